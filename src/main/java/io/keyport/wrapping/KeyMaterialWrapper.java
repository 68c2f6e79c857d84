package io.keyport.wrapping;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * Wraps key material for import, and checks material a client wrapped itself, with the
 * {@link WrappingScheme} of an {@link ImportSpec}'s algorithm. The spec was validated
 * against the provider's rules when it was made; this class checks only what the spec
 * cannot know: the material and the wrapping key. Plain Java and thread-safe (stateless
 * apart from its {@link SecureRandom}); it never keeps, copies into a {@code String} or
 * logs the plaintext, and destroying the {@link KeyMaterial} stays the caller's job.
 */
public final class KeyMaterialWrapper {

	private final SecureRandom random;

	public KeyMaterialWrapper() {
		this(new SecureRandom());
	}

	/** For tests that need to observe the ephemeral key buffer. */
	KeyMaterialWrapper(SecureRandom random) {
		this.random = Objects.requireNonNull(random, "random");
	}

	/**
	 * Checks the material against the spec's key spec under its rules, lets the rules
	 * prepare it ({@link ImportRules#prepare}: Huawei embeds an EC key's public key),
	 * then wraps it under the wrapping key (which must be of the spec's wrapping key
	 * spec). Temporary buffers (such as an ephemeral AES key or a prepared copy) are
	 * overwritten before returning.
	 * @throws WrappingException with {@code INVALID_KEY_MATERIAL*},
	 * {@code WRAPPING_KEY_SPEC_MISMATCH} or {@code KEY_MATERIAL_TOO_LARGE}
	 */
	public EncryptedKeyMaterial wrap(KeyMaterial material, ImportSpec spec, WrappingPublicKey wrappingKey) {
		Objects.requireNonNull(material, "material");
		Objects.requireNonNull(spec, "spec");
		Objects.requireNonNull(wrappingKey, "wrappingKey");
		spec.rules().checkMaterial(material, spec.keySpec());
		wrappingKey.checkSpec(spec.wrappingKeySpec());
		KeyMaterial prepared = spec.rules().prepare(material, spec.keySpec());
		try {
			// the live buffer: never copied here, only handed to the scheme
			return WrappingSchemes.forAlgorithm(spec.algorithm())
				.wrap(prepared.bytes(), spec, wrappingKey, this.random);
		}
		finally {
			if (prepared != material) {
				prepared.destroy();
			}
		}
	}

	/**
	 * Checks material wrapped by the client itself, as far as its size and the wrapping
	 * key allow (an RSA-OAEP block is exactly the modulus length and below the modulus).
	 * @throws WrappingException with {@code INVALID_ENCRYPTED_KEY_MATERIAL}, or
	 * {@code INCOMPATIBLE_WRAPPING_ALGORITHM} for a wrapping key of the wrong type
	 */
	public void checkEncrypted(EncryptedKeyMaterial encrypted, ImportSpec spec, WrappingPublicKey wrappingKey) {
		Objects.requireNonNull(encrypted, "encrypted");
		Objects.requireNonNull(spec, "spec");
		Objects.requireNonNull(wrappingKey, "wrappingKey");
		WrappingSchemes.forAlgorithm(spec.algorithm()).checkCiphertext(encrypted, wrappingKey);
	}

}
