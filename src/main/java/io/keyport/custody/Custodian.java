package io.keyport.custody;

import io.keyport.wrapping.EncryptedKeyMaterial;
import io.keyport.wrapping.ImportSpec;
import io.keyport.wrapping.KeyMaterial;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingPublicKey;

/**
 * Keeps key material and produces it later only wrapped for an import, so callers never
 * handle plaintext. Every failure is a {@link CustodyException}; none is silent. Calls
 * may be network or HSM calls: never call them with a database transaction open.
 */
public interface Custodian {

	/** The configured name ({@code keyport.custody.<name>}). */
	String name();

	/** {@code kms-envelope}, {@code pkcs11} or {@code local-file}. */
	String type();

	/**
	 * Keeps uploaded material. The caller still owns and destroys {@code material}.
	 * @param keySpec the key spec of the KMS key the material is for (checked as the
	 * wrapper checks it when it is wrapped)
	 */
	CustodyReference store(KeyMaterial material, KeySpec keySpec);

	/**
	 * Refuses, when a job is created, what the custodian could never keep or wrap for
	 * that job's imports: the first import works without the custodian's wrap, every
	 * renewal needs it.
	 * @throws CustodyException {@code UNSUPPORTED}
	 */
	default void checkCanKeep(KeySpec keySpec, WrappingAlgorithm algorithm) {
	}

	/**
	 * Generates new material inside the custodian (for an HSM: in the token), of the
	 * length the job's provider imports for the key spec (SYMMETRIC_DEFAULT is 16 bytes
	 * in the AWS China regions, 32 elsewhere).
	 * @throws CustodyException {@code UNSUPPORTED} for key specs the custodian cannot
	 * generate
	 */
	CustodyReference generate(KeySpec keySpec, int length);

	/**
	 * The kept material wrapped under a job's wrapping public key with the spec's
	 * algorithm, ready for ImportKeyMaterial.
	 * @throws CustodyException {@code MATERIAL_NOT_FOUND}, {@code INTEGRITY},
	 * {@code REFUSED}, {@code UNAVAILABLE} or {@code UNSUPPORTED}
	 * @throws io.keyport.wrapping.WrappingException when the material and the spec do not
	 * fit (as for an upload)
	 */
	EncryptedKeyMaterial wrapForImport(CustodyReference reference, WrappingPublicKey wrappingKey, ImportSpec spec);

	/**
	 * Forgets the material for good. Destroying what is already gone is not an error.
	 */
	void destroy(CustodyReference reference);

}
