/**
 * TEST-ONLY attestation key and certificate for the software FIDO2 authenticator.
 *
 * These are public on purpose: anyone can sign with this key, so a credential attested by it
 * proves nothing. They exist so that the emulator's `fido-u2f` attestation verification runs on
 * real data. Never trust this certificate anywhere else.
 *
 * Generated once with OpenSSL 3.0:
 *   openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt
 *   openssl ca -selfsign -startdate 20200101000000Z -enddate 21200101000000Z …
 * (P-256, ECDSA-SHA256, CA:FALSE, valid 2020-01-01 to 2120-01-01.)
 */

/** PKCS#8 P-256 private key of the test attestation certificate. TEST ONLY. */
export const TEST_ATTESTATION_PRIVATE_KEY_PEM = `
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgvb03jtv2uFF4NCD2
UIxFl+j63mBEgPZIj9T1ZNNBgpOhRANCAASsdYhEVLnYkz+548myirS3PIlREEfv
+JPQWGLp+0MyfBHISXxl12oew0vEaxcwBNjK/qfFM0zMv/HVQFpomPSd
-----END PRIVATE KEY-----`;

/** Self-signed X.509 attestation certificate (fido-u2f `x5c[0]`). TEST ONLY. */
export const TEST_ATTESTATION_CERTIFICATE_PEM = `
-----BEGIN CERTIFICATE-----
MIICSTCCAe6gAwIBAgIBATAKBggqhkjOPQQDAjCBkzELMAkGA1UEBhMCVVMxKzAp
BgNVBAoMImRzbS0yZmEtZ3VhcmQgZW11bGF0b3IgKFRFU1QgT05MWSkxIjAgBgNV
BAsMGUF1dGhlbnRpY2F0b3IgQXR0ZXN0YXRpb24xMzAxBgNVBAMMKmRzbS0yZmEt
Z3VhcmQgc29mdCBhdXRoZW50aWNhdG9yIFRFU1QgT05MWTAgFw0yMDAxMDEwMDAw
MDBaGA8yMTIwMDEwMTAwMDAwMFowgZMxCzAJBgNVBAYTAlVTMSswKQYDVQQKDCJk
c20tMmZhLWd1YXJkIGVtdWxhdG9yIChURVNUIE9OTFkpMSIwIAYDVQQLDBlBdXRo
ZW50aWNhdG9yIEF0dGVzdGF0aW9uMTMwMQYDVQQDDCpkc20tMmZhLWd1YXJkIHNv
ZnQgYXV0aGVudGljYXRvciBURVNUIE9OTFkwWTATBgcqhkjOPQIBBggqhkjOPQMB
BwNCAASsdYhEVLnYkz+548myirS3PIlREEfv+JPQWGLp+0MyfBHISXxl12oew0vE
axcwBNjK/qfFM0zMv/HVQFpomPSdoy8wLTAMBgNVHRMBAf8EAjAAMB0GA1UdDgQW
BBR61Kl3UPYYuUpwd3oJUBUuD4QoPjAKBggqhkjOPQQDAgNJADBGAiEAyHT1wn+b
qRpWU1nsgU8ufBhFgx2ijyd5Xb49u8YHl8UCIQD40kmgN4MZ4W94EK6NzFRAwiGJ
ZdU5I61JEtQpqLcmpw==
-----END CERTIFICATE-----`;
