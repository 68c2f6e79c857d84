/**
 * A Huawei Cloud KMS emulator for tests and the local run: {@link HuaweiKmsEmulator}.
 * <p>
 * Where Huawei's sources leave a point open (⚠ in ../shared/HUAWEI-KMS.md), the emulator
 * decides as follows; most choices are settable where that is cheap.
 * <ul>
 * <li>describe-key: every value a string; {@code creation_date},
 * {@code scheduled_deletion_date} and {@code expiration_time} in milliseconds (as the
 * examples show), {@code ""} when unset. A new key shows state "1" on its first
 * describe-key, then "5" ({@code describesBeforeActive}, 0 = at once); parameters and
 * import refuse a key in state "1".</li>
 * <li>get-parameters-for-import: {@code expiration_time} a JSON number of seconds, 24
 * hours ahead (settable); issued in states 5, 2 and 3; RSAES_OAEP_SHA_256 always,
 * SM2_ENCRYPT unless turned off, RSAES_PKCS1_V1_5 and RSAES_OAEP_SHA_1 only with
 * {@code legacyAlgorithms}; any of them for any key spec. The wrapping key is RSA_2048
 * (SM2 for SM2_ENCRYPT).</li>
 * <li>import-key-material: state "5" only (KMS.0310). {@code expiration_time} a JSON
 * integer of seconds in the future, symmetric keys only; a value above 10^11 (a client
 * sending milliseconds) is KMS.0308; absent = never expires. Material is deleted at that
 * instant (Huawei: within 24 hours after), the key back in state "5" and only the same
 * material may come back (KMS.2606). {@code encrypted_key_material} must match
 * {@code ^[0-9a-zA-Z+/=]{344,360}$} for RSA algorithms (one 256-byte block) and
 * {@code {1,512}} for SM2_ENCRYPT (GM/T 0009 ASN.1 ciphertext, what OpenSSL and Bouncy
 * Castle produce). {@code encrypted_privatekey}: base64 up to 6144 characters, no
 * minimum, so an EC key without its public key reaches the key check and is KMS.2609 (not
 * a pattern error). Temporary keys: AES 16 or 32 bytes under RSA algorithms, SM4 16 bytes
 * under SM2_ENCRYPT (SM4-KWP, Bouncy Castle {@code RFC5649WrapEngine(new SM4Engine())});
 * other lengths KMS.2610; a key wrap that does not unwrap is KMS.2609; an RSA or SM2
 * decryption failure KMS.0311. Success answers 200 with an empty body (settable:
 * {@code {}}).</li>
 * <li>Key states: 1, 2, 3, 4, 5 and 7 (frozen, via {@link HuaweiKmsEmulator#setFrozen}).
 * get-publickey answers in state 2 only, PEM with {@code \r\n} and no line break after
 * the footer (PKCS#1 under {@code PUBLIC KEY} on demand).</li>
 * <li>Signature: APIG.0301 (401, gateway form) for a missing or malformed Authorization,
 * an unknown access key, a wrong signature, signed headers without {@code host},
 * {@code x-sdk-date}, {@code x-project-id} (and {@code x-security-token} for temporary
 * credentials), an {@code X-Sdk-Date} more than 15 minutes from the emulator's clock (or
 * {@code signatureClock}), or a project id other than the emulator's (path or header).
 * The AK lockout (five failures, five minutes) is off by default, since one test's wrong
 * key would lock out the others sharing an emulator.</li>
 * <li>Errors: 400 except KMS.0207 and APIG.0101 (404), APIG.0301 (401), APIG.0308 (429),
 * KMS.0306/0307 (403), KMS.0101-0103 (500), KMS.0104 (503); X-Request-Id on every
 * answer.</li>
 * </ul>
 */
package io.keyport.emulator.huawei;
