import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { inspectorFromUrl } from './inspector.js';
import { createPageSignIn } from './session.js';
import './styles.css';

// Created before any actor, so the inspector (with ?inspect) sees both machines from the start.
const inspector = inspectorFromUrl(window.location.search);
const signIn = createPageSignIn(inspector?.inspect);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root.');
createRoot(root).render(
  <StrictMode>
    <App signIn={signIn} inspector={inspector} />
  </StrictMode>,
);
