/**
 * Material custody: Keyport keeps key material so the same material can be imported again
 * (before expiry, into replicas). Not wired into import jobs yet.
 * <ul>
 * <li>The API: {@link io.keyport.custody.Custodians} (the configured custodians by name),
 * {@link io.keyport.custody.Custodian} (store, generate, wrap for import, destroy),
 * {@link io.keyport.custody.CustodyReference} and
 * {@link io.keyport.custody.CustodyException} with its stable codes.</li>
 * <li>Custodians: {@code KmsEnvelopeCustodian} (material under a KMS data key, in the
 * database), {@code Pkcs11Custodian} (material in an HSM token, wrapped there),
 * {@code LocalFileCustodian} (local runs and tests only).</li>
 * <li>Configuration: {@code keyport.custody.<name>.*}
 * ({@link io.keyport.custody.CustodianSettings}).</li>
 * </ul>
 * Plaintext exists only inside a custodian that must hold it (envelope, file) in byte
 * arrays overwritten after use; it never reaches a log, a message or a column.
 */
package io.keyport.custody;
