package io.keyport.wrapping;

import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import io.keyport.wrapping.WrappingAlgorithm.Hash;
import io.keyport.wrapping.WrappingException.Reason;

/**
 * Wraps key material the way AWS KMS ImportKeyMaterial expects it: RSAES_OAEP_SHA_1/256 (the material directly under
 * RSA-OAEP) and RSA_AES_KEY_WRAP_SHA_1/256 (an ephemeral AES-256 key under RSA-OAEP, the material under that key with
 * AES-KWP) and, in AWS's China regions, SM2PKE (the material under the SM2 wrapping key, GM/T 0009 DER). The AWS
 * rules ({@link #checkCompatible}) refuse RSAES_PKCS1_V1_5, but {@link #wrap} produces it for providers that still
 * take it. The rules of AWS's China regions apply with {@link Partition#CHINA}. Stateless apart from its {@link SecureRandom}, so thread-safe.
 */
public final class StandardKeyMaterialWrapper implements KeyMaterialWrapper {

	/** ImportKeyMaterial's limit on EncryptedKeyMaterial. */
	public static final int MAX_ENCRYPTED_LENGTH = 6144;

	/** The ephemeral key of RSA_AES_KEY_WRAP_SHA_*: AES-256, as AWS documents. */
	static final int EPHEMERAL_KEY_LENGTH = 32;

	/**
	 * Wrapping algorithms AWS accepts and Keyport produces, in the order they are suggested (SHA-256 before SHA-1,
	 * SM2PKE last, as in AWS's table).
	 */
	private static final List<WrappingAlgorithm> SUPPORTED = List.of(WrappingAlgorithm.RSAES_OAEP_SHA_256,
			WrappingAlgorithm.RSAES_OAEP_SHA_1, WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256,
			WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_1, WrappingAlgorithm.SM2PKE);

	private static final List<WrappingKeySpec> RSA_WRAPPING_KEYS = List.of(WrappingKeySpec.RSA_2048,
			WrappingKeySpec.RSA_3072, WrappingKeySpec.RSA_4096);

	private final SecureRandom random;

	public StandardKeyMaterialWrapper() {
		this(new SecureRandom());
	}

	/** For tests that need to observe the ephemeral key buffer. */
	StandardKeyMaterialWrapper(SecureRandom random) {
		this.random = Objects.requireNonNull(random, "random");
	}

	@Override
	public void checkCompatible(KeySpec keySpec, WrappingAlgorithm algorithm, WrappingKeySpec wrappingKeySpec,
			Partition partition) {
		Objects.requireNonNull(keySpec, "keySpec");
		Objects.requireNonNull(algorithm, "algorithm");
		Objects.requireNonNull(wrappingKeySpec, "wrappingKeySpec");
		Objects.requireNonNull(partition, "partition");
		WrappingException refusal = refusal(keySpec, algorithm, wrappingKeySpec, partition);
		if (refusal != null) {
			throw refusal;
		}
	}

	@Override
	public void checkImportable(KeySpec keySpec, Partition partition) {
		Objects.requireNonNull(keySpec, "keySpec");
		Objects.requireNonNull(partition, "partition");
		WrappingException notImportable = notImportableIn(keySpec, partition);
		if (notImportable != null) {
			throw notImportable;
		}
	}

	@Override
	public List<WrappingAlgorithm> compatibleAlgorithms(KeySpec keySpec, WrappingKeySpec wrappingKeySpec,
			Partition partition) {
		Objects.requireNonNull(keySpec, "keySpec");
		Objects.requireNonNull(wrappingKeySpec, "wrappingKeySpec");
		Objects.requireNonNull(partition, "partition");
		List<WrappingAlgorithm> compatible = new ArrayList<>();
		for (WrappingAlgorithm algorithm : SUPPORTED) {
			if (compatible(keySpec, algorithm, wrappingKeySpec, partition)) {
				compatible.add(algorithm);
			}
		}
		return List.copyOf(compatible);
	}

	@Override
	public List<WrappingOption> wrappingOptions(KeySpec keySpec, Partition partition) {
		Objects.requireNonNull(keySpec, "keySpec");
		Objects.requireNonNull(partition, "partition");
		checkImportable(keySpec, partition);
		List<WrappingOption> options = new ArrayList<>();
		// AWS: the longest practical wrapping key, and SHA-256 over SHA-1
		for (WrappingKeySpec wrappingKey : RSA_WRAPPING_KEYS.reversed()) {
			for (Hash hash : List.of(Hash.SHA_256, Hash.SHA_1)) {
				for (WrappingAlgorithm algorithm : SUPPORTED) {
					if (algorithm.oaepHash() == hash && compatible(keySpec, algorithm, wrappingKey, partition)) {
						options.add(new WrappingOption(algorithm, wrappingKey));
					}
				}
			}
		}
		if (compatible(keySpec, WrappingAlgorithm.SM2PKE, WrappingKeySpec.SM2, partition)) {
			options.add(new WrappingOption(WrappingAlgorithm.SM2PKE, WrappingKeySpec.SM2));
		}
		if (options.isEmpty()) {
			// the refusal of the most capable combination says why nothing is left
			throw refusal(keySpec, WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256, WrappingKeySpec.RSA_4096, partition);
		}
		return List.copyOf(options);
	}

	@Override
	public void checkMaterial(KeyMaterial material, KeySpec keySpec, Partition partition) {
		Objects.requireNonNull(material, "material");
		Objects.requireNonNull(keySpec, "keySpec");
		Objects.requireNonNull(partition, "partition");
		if (material.isDestroyed()) {
			throw new WrappingException(Reason.INVALID_KEY_MATERIAL, "the key material has already been destroyed");
		}
		// whether the partition has the key spec at all is checkCompatible's question; this one is about the material
		switch (keySpec.kind()) {
			case SYMMETRIC, HMAC -> {
				int expected = materialLength(keySpec, partition);
				int found = material.length();
				if (found != expected) {
					throw new WrappingException(Reason.INVALID_KEY_MATERIAL_LENGTH, "expected " + expected
							+ " bytes for " + keySpec + partitionNote(keySpec, partition) + ", got " + found
							+ encodingHint(expected, found) + partitionHint(keySpec, partition, found));
				}
			}
			case RSA, EC, SM2 -> Pkcs8.check(material.bytes(), keySpec);
			case NOT_IMPORTABLE -> throw notImportable(keySpec);
		}
	}

	@Override
	public void checkEncrypted(EncryptedKeyMaterial encrypted, WrappingPublicKey wrappingKey,
			WrappingAlgorithm algorithm) {
		Objects.requireNonNull(encrypted, "encrypted");
		Objects.requireNonNull(wrappingKey, "wrappingKey");
		Objects.requireNonNull(algorithm, "algorithm");
		WrappingKeySpec spec = wrappingKey.spec();
		if (algorithm == WrappingAlgorithm.SM2PKE) {
			checkSm2Encrypted(encrypted, spec);
			return;
		}
		WrappingException unsupported = unsupportedAlgorithm(algorithm, null, null, Partition.STANDARD);
		if (unsupported != null) {
			throw unsupported;
		}
		if (!spec.isRsa()) {
			throw needsRsaWrappingKey(algorithm, spec);
		}
		int k = spec.modulusBytes();
		int found = encrypted.length();
		if (found > MAX_ENCRYPTED_LENGTH) {
			throw invalidEncrypted("expected at most " + MAX_ENCRYPTED_LENGTH + " bytes (the ImportKeyMaterial limit) for "
					+ algorithm + ", got " + found);
		}
		if (algorithm.isAesKeyWrap()) {
			int rest = found - k;
			if (rest < 16 || rest % 8 != 0) {
				String hint = (found == k) ? " (a single RSA block: that is RSAES_OAEP_* output, not " + algorithm + ")"
						: "";
				throw invalidEncrypted("expected an " + spec + " RSA-OAEP block of " + k
						+ " bytes followed by AES-KWP output (a multiple of 8 bytes, at least 16) for " + algorithm
						+ ", i.e. " + (k + 16) + ", " + (k + 24) + ", ... bytes; got " + found + hint);
			}
		}
		else if (found != k) {
			String hint = "";
			if (found == base64Length(k)) {
				hint = " (base64 text? upload the binary ciphertext)";
			}
			else if (found > k && (found - k) >= 16 && (found - k) % 8 == 0) {
				hint = " (that looks like RSA_AES_KEY_WRAP_* output)";
			}
			throw invalidEncrypted("expected exactly " + k + " bytes (one " + spec + " RSA-OAEP block) for " + algorithm
					+ ", got " + found + hint);
		}
		byte[] bytes = encrypted.bytes();
		if (!belowModulus(bytes, k, (RSAPublicKey) wrappingKey.publicKey())) {
			throw invalidEncrypted("the first " + k + " bytes are not an RSA ciphertext under this " + spec
					+ " wrapping key (not less than its modulus); was the material wrapped under another public key?");
		}
	}

	/** SM2PKE output: the GM/T 0009 SEQUENCE, at least as long as the SM3 hash and one byte of ciphertext. */
	private static void checkSm2Encrypted(EncryptedKeyMaterial encrypted, WrappingKeySpec spec) {
		if (spec != WrappingKeySpec.SM2) {
			throw needsSm2WrappingKey(spec);
		}
		int found = encrypted.length();
		if (found > MAX_ENCRYPTED_LENGTH) {
			throw invalidEncrypted("expected at most " + MAX_ENCRYPTED_LENGTH + " bytes (the ImportKeyMaterial limit) for "
					+ "SM2PKE, got " + found);
		}
		String problem = Sm2Pke.problem(encrypted.bytes());
		if (problem != null) {
			throw invalidEncrypted("expected an SM2 ciphertext for SM2PKE as the GM/T 0009 DER SEQUENCE (x, y, SM3 hash, "
					+ "ciphertext) that OpenSSL writes; the " + found + " bytes are " + problem);
		}
	}

	@Override
	public EncryptedKeyMaterial wrap(KeyMaterial material, KeySpec keySpec, WrappingPublicKey wrappingKey,
			WrappingAlgorithm algorithm, Partition partition) {
		Objects.requireNonNull(material, "material");
		Objects.requireNonNull(keySpec, "keySpec");
		Objects.requireNonNull(wrappingKey, "wrappingKey");
		Objects.requireNonNull(algorithm, "algorithm");
		Objects.requireNonNull(partition, "partition");
		checkMaterial(material, keySpec, partition);
		WrappingKeySpec spec = wrappingKey.spec();
		if (algorithm == WrappingAlgorithm.RSAES_PKCS1_V1_5) {
			// AWS's refusal is provider policy and stays in checkCompatible; other providers take it
			return wrapPkcs1V15(material, keySpec, wrappingKey, partition);
		}
		checkCompatible(keySpec, algorithm, spec, partition);
		if (algorithm == WrappingAlgorithm.SM2PKE) {
			return wrapSm2(material, keySpec, wrappingKey);
		}
		RSAPublicKey publicKey = (RSAPublicKey) wrappingKey.publicKey();
		Hash hash = algorithm.oaepHash();
		// the live buffer: never copied here, only handed to the provider
		byte[] plaintext = material.bytes();
		if (!algorithm.isAesKeyWrap()) {
			int capacity = Oaep.capacity(spec, hash);
			if (plaintext.length > capacity) {
				throw new WrappingException(Reason.KEY_MATERIAL_TOO_LARGE, keySpec + " key material of "
						+ plaintext.length + " bytes does not fit " + algorithm + " under an " + spec
						+ " wrapping key (at most " + capacity + " bytes); use "
						+ alternatives(keySpec, spec, plaintext.length, true, partition));
			}
			return EncryptedKeyMaterial.of(Oaep.encrypt(publicKey, hash, plaintext));
		}
		int total = spec.modulusBytes() + Kwp.wrappedLength(plaintext.length);
		if (total > MAX_ENCRYPTED_LENGTH) {
			throw new WrappingException(Reason.KEY_MATERIAL_TOO_LARGE, keySpec + " key material of " + plaintext.length
					+ " bytes would wrap to " + total + " bytes with " + algorithm + " under an " + spec
					+ " wrapping key; ImportKeyMaterial accepts at most " + MAX_ENCRYPTED_LENGTH);
		}
		byte[] aesKey = new byte[EPHEMERAL_KEY_LENGTH];
		try {
			this.random.nextBytes(aesKey);
			byte[] rsaBlock = Oaep.encrypt(publicKey, hash, aesKey);
			byte[] kwp = Kwp.wrap(aesKey, plaintext);
			// RSA block ‖ KWP output, no separator or length prefix
			byte[] out = Arrays.copyOf(rsaBlock, rsaBlock.length + kwp.length);
			System.arraycopy(kwp, 0, out, rsaBlock.length, kwp.length);
			return EncryptedKeyMaterial.of(out);
		}
		finally {
			Arrays.fill(aesKey, (byte) 0);
		}
	}

	/** SM2PKE: the material directly under the SM2 wrapping key; any length fits SM2, only the upload limit counts. */
	private EncryptedKeyMaterial wrapSm2(KeyMaterial material, KeySpec keySpec, WrappingPublicKey wrappingKey) {
		// the live buffer: never copied here, only handed to the engine
		byte[] plaintext = material.bytes();
		if (Sm2Pke.maxLength(plaintext.length) > MAX_ENCRYPTED_LENGTH) {
			throw new WrappingException(Reason.KEY_MATERIAL_TOO_LARGE, keySpec + " key material of " + plaintext.length
					+ " bytes would wrap to more than " + MAX_ENCRYPTED_LENGTH + " bytes with SM2PKE, the "
					+ "ImportKeyMaterial limit");
		}
		return EncryptedKeyMaterial.of(Sm2Pke.encrypt(wrappingKey.publicKey(), plaintext, this.random));
	}

	/** RSAES_PKCS1_V1_5: the material directly in one block, checked for importability and size only. */
	private EncryptedKeyMaterial wrapPkcs1V15(KeyMaterial material, KeySpec keySpec, WrappingPublicKey wrappingKey,
			Partition partition) {
		checkImportable(keySpec, partition);
		WrappingKeySpec spec = wrappingKey.spec();
		if (!spec.isRsa()) {
			throw needsRsaWrappingKey(WrappingAlgorithm.RSAES_PKCS1_V1_5, spec);
		}
		// the live buffer: never copied here, only handed to the provider
		byte[] plaintext = material.bytes();
		int capacity = Pkcs1V15.capacity(spec);
		if (plaintext.length > capacity) {
			throw new WrappingException(Reason.KEY_MATERIAL_TOO_LARGE, keySpec + " key material of " + plaintext.length
					+ " bytes does not fit RSAES_PKCS1_V1_5 under an " + spec + " wrapping key (at most " + capacity
					+ " bytes)");
		}
		return EncryptedKeyMaterial.of(Pkcs1V15.encrypt(wrappingKey.publicKey(), plaintext, this.random));
	}

	/** The compatibility rules; {@link #refusal} explains a {@code false}. */
	private static boolean compatible(KeySpec keySpec, WrappingAlgorithm algorithm, WrappingKeySpec wrappingKeySpec,
			Partition partition) {
		if (notImportableIn(keySpec, partition) != null || !SUPPORTED.contains(algorithm)) {
			return false;
		}
		if (algorithm == WrappingAlgorithm.SM2PKE) {
			// AWS's table: RSA, ECC and SM2 private keys; symmetric (SM4) and HMAC material only under RSAES_OAEP_*
			return partition.hasSm2() && wrappingKeySpec == WrappingKeySpec.SM2 && isPrivateKey(keySpec);
		}
		if (!wrappingKeySpec.isRsa()) {
			return false;
		}
		if (algorithm.isAesKeyWrap()) {
			// RSA and ECC private keys only, and not in China
			return partition.hasRsaAesKeyWrap()
					&& (keySpec.kind() == KeySpec.Kind.RSA || keySpec.kind() == KeySpec.Kind.EC);
		}
		// what fits one OAEP block follows from the sizes: k - 2*hLen - 2
		return keySpec.kind() != KeySpec.Kind.RSA
				&& typicalLength(keySpec, partition) <= Oaep.capacity(wrappingKeySpec, algorithm.oaepHash());
	}

	/** Why the combination can never work, or {@code null} when it can. */
	private static WrappingException refusal(KeySpec keySpec, WrappingAlgorithm algorithm,
			WrappingKeySpec wrappingKeySpec, Partition partition) {
		if (compatible(keySpec, algorithm, wrappingKeySpec, partition)) {
			return null;
		}
		WrappingException notImportable = notImportableIn(keySpec, partition);
		if (notImportable != null) {
			return notImportable;
		}
		WrappingException unsupported = unsupportedAlgorithm(algorithm, keySpec, wrappingKeySpec, partition);
		if (unsupported != null) {
			return unsupported;
		}
		if (algorithm == WrappingAlgorithm.SM2PKE) {
			if (wrappingKeySpec != WrappingKeySpec.SM2) {
				return needsSm2WrappingKey(wrappingKeySpec);
			}
			return incompatible("SM2PKE wraps RSA, ECC and SM2 private keys only; for " + keySpec
					+ " use an RSA wrapping key (RSA_4096, RSA_3072 or RSA_2048) with "
					+ alternatives(keySpec, WrappingKeySpec.RSA_4096, partition));
		}
		if (!wrappingKeySpec.isRsa()) {
			if (!partition.hasSm2()) {
				return incompatible("the SM2 wrapping key spec exists only in the AWS China regions (aws-cn); for "
						+ keySpec + " use an RSA wrapping key (RSA_4096, RSA_3072 or RSA_2048) with "
						+ alternatives(keySpec, WrappingKeySpec.RSA_4096, partition));
			}
			return needsRsaWrappingKey(algorithm, wrappingKeySpec);
		}
		if (algorithm.isAesKeyWrap()) {
			if (!partition.hasRsaAesKeyWrap()) {
				return incompatible(algorithm + " is not available in " + partition.describe() + "; "
						+ alternativesOrNone(keySpec, wrappingKeySpec, partition));
			}
			if (keySpec.isSymmetricOrHmac()) {
				return incompatible(algorithm + " wraps RSA and ECC private keys only; for " + keySpec + " use "
						+ alternatives(keySpec, wrappingKeySpec, partition));
			}
		}
		if (keySpec.kind() == KeySpec.Kind.RSA) {
			String required = partition.hasRsaAesKeyWrap()
					? "AWS KMS requires " + alternatives(keySpec, wrappingKeySpec, partition) + " for them"
					: "AWS KMS requires RSA_AES_KEY_WRAP_SHA_256 or RSA_AES_KEY_WRAP_SHA_1 for them, which "
							+ partition.describe() + " lack; there use SM2PKE with the SM2 wrapping key";
			return incompatible("RSA private keys (" + keySpec + ", PKCS#8 of about " + typicalLength(keySpec, partition)
					+ " bytes) cannot be wrapped with " + algorithm + "; " + required);
		}
		int capacity = Oaep.capacity(wrappingKeySpec, algorithm.oaepHash());
		int length = typicalLength(keySpec, partition);
		if (length > capacity) {
			return incompatible(keySpec + " key material (" + length + " bytes as DER PKCS#8) does not fit " + algorithm
					+ " under an " + wrappingKeySpec + " wrapping key (at most " + capacity + " bytes); use "
					+ alternatives(keySpec, wrappingKeySpec, length, true, partition));
		}
		throw new IllegalStateException("no refusal message for " + keySpec + ", " + algorithm + ", " + wrappingKeySpec
				+ " in " + partition);
	}

	/** Refuses key specs that cannot take imported material at all in the partition, else {@code null}. */
	private static WrappingException notImportableIn(KeySpec keySpec, Partition partition) {
		if (keySpec.kind() == KeySpec.Kind.NOT_IMPORTABLE) {
			return notImportable(keySpec);
		}
		if (keySpec.kind() == KeySpec.Kind.SM2 && !partition.hasSm2()) {
			return new WrappingException(Reason.UNSUPPORTED_KEY_SPEC, "SM2 KMS keys exist only in the AWS China "
					+ "regions (aws-cn), not in " + partition.describe());
		}
		return null;
	}

	/** Refuses the algorithms Keyport never produces; suggestions need the key spec, when known. */
	private static WrappingException unsupportedAlgorithm(WrappingAlgorithm algorithm, KeySpec keySpec,
			WrappingKeySpec wrappingKeySpec, Partition partition) {
		WrappingKeySpec rsaKey = (wrappingKeySpec != null && wrappingKeySpec.isRsa()) ? wrappingKeySpec
				: WrappingKeySpec.RSA_4096;
		return switch (algorithm) {
			case RSAES_PKCS1_V1_5 -> new WrappingException(Reason.UNSUPPORTED_WRAPPING_ALGORITHM,
					"AWS KMS no longer accepts RSAES_PKCS1_V1_5 (since 2023-10-10)"
							+ useInstead(keySpec, rsaKey, partition, false));
			case SM2PKE -> partition.hasSm2() ? null : new WrappingException(Reason.UNSUPPORTED_WRAPPING_ALGORITHM,
					"SM2PKE and SM2 wrapping keys exist only in the AWS China regions (aws-cn)"
							+ useInstead(keySpec, rsaKey, partition, true));
			default -> null;
		};
	}

	/** "; use RSAES_OAEP_SHA_256 or ...", or why nothing else is left. */
	private static String useInstead(KeySpec keySpec, WrappingKeySpec rsaKey, Partition partition,
			boolean nameRsaKeys) {
		if (keySpec == null) {
			return "; use RSAES_OAEP_SHA_256 (RSA_AES_KEY_WRAP_SHA_256 for RSA private keys)";
		}
		if (!compatibleAnywhere(keySpec, rsaKey, partition)) {
			return "; " + alternativesOrNone(keySpec, rsaKey, partition);
		}
		return "; use " + (nameRsaKeys ? "an RSA wrapping key (RSA_4096, RSA_3072 or RSA_2048) with " : "")
				+ alternatives(keySpec, rsaKey, partition);
	}

	private static WrappingException needsRsaWrappingKey(WrappingAlgorithm algorithm, WrappingKeySpec found) {
		return incompatible(algorithm + " needs an RSA wrapping key (RSA_2048, RSA_3072 or RSA_4096), got " + found
				+ "; an SM2 wrapping key goes with SM2PKE only");
	}

	private static WrappingException needsSm2WrappingKey(WrappingKeySpec found) {
		return incompatible("SM2PKE needs the SM2 wrapping key spec, got " + found + "; an RSA wrapping key goes with "
				+ "RSAES_OAEP_* or RSA_AES_KEY_WRAP_*");
	}

	private static boolean isPrivateKey(KeySpec keySpec) {
		return keySpec.kind() == KeySpec.Kind.RSA || keySpec.kind() == KeySpec.Kind.EC
				|| keySpec.kind() == KeySpec.Kind.SM2;
	}

	private static WrappingException notImportable(KeySpec keySpec) {
		return new WrappingException(Reason.UNSUPPORTED_KEY_SPEC, "AWS KMS does not document importing key material for "
				+ keySpec + "; importable key specs are SYMMETRIC_DEFAULT, HMAC_224/256/384/512, RSA_2048/3072/4096, "
				+ "ECC_NIST_P256/P384/P521, ECC_SECG_P256K1 and SM2");
	}

	private static WrappingException incompatible(String message) {
		return new WrappingException(Reason.INCOMPATIBLE_WRAPPING_ALGORITHM, message);
	}

	private static WrappingException invalidEncrypted(String message) {
		return new WrappingException(Reason.INVALID_ENCRYPTED_KEY_MATERIAL, message);
	}

	/**
	 * "RSAES_OAEP_SHA_256 or RSAES_OAEP_SHA_1": the algorithms that can carry {@code length} bytes of the key spec's
	 * material under the wrapping key, optionally followed by the larger wrapping keys RSAES_OAEP_SHA_256 would fit.
	 */
	private static String alternatives(KeySpec keySpec, WrappingKeySpec wrappingKeySpec, int length,
			boolean largerKeys, Partition partition) {
		List<String> algorithms = new ArrayList<>();
		for (WrappingAlgorithm candidate : SUPPORTED) {
			if (compatible(keySpec, candidate, wrappingKeySpec, partition) && (candidate.oaepHash() == null
					|| candidate.isAesKeyWrap() || length <= Oaep.capacity(wrappingKeySpec, candidate.oaepHash()))) {
				algorithms.add(candidate.name());
			}
		}
		String text = join(algorithms);
		if (largerKeys && keySpec.kind() != KeySpec.Kind.RSA) {
			List<String> keys = new ArrayList<>();
			for (WrappingKeySpec candidate : RSA_WRAPPING_KEYS) {
				if (candidate.bits() > wrappingKeySpec.bits()
						&& compatible(keySpec, WrappingAlgorithm.RSAES_OAEP_SHA_256, candidate, partition)
						&& length <= Oaep.capacity(candidate, Hash.SHA_256)) {
					keys.add(candidate.name());
				}
			}
			if (!keys.isEmpty()) {
				text += (algorithms.isEmpty() ? "a larger wrapping key (" : ", or a larger wrapping key (") + join(keys)
						+ ")";
			}
		}
		return text.isEmpty() ? "no wrapping algorithm with an " + wrappingKeySpec + " wrapping key" : text;
	}

	private static String alternatives(KeySpec keySpec, WrappingKeySpec wrappingKeySpec, Partition partition) {
		return alternatives(keySpec, wrappingKeySpec, typicalLength(keySpec, partition), false, partition);
	}

	/** "for K use A or B", or why there is nothing to use (RSA private keys in China). */
	private static String alternativesOrNone(KeySpec keySpec, WrappingKeySpec wrappingKeySpec, Partition partition) {
		if (compatibleAnywhere(keySpec, wrappingKeySpec, partition)) {
			return "for " + keySpec + " use " + alternatives(keySpec, wrappingKeySpec, partition);
		}
		if (compatible(keySpec, WrappingAlgorithm.SM2PKE, WrappingKeySpec.SM2, partition)) {
			return "for " + keySpec + " use SM2PKE with the SM2 wrapping key";
		}
		return keySpec + " material cannot be imported in " + partition.describe();
	}

	private static boolean compatibleAnywhere(KeySpec keySpec, WrappingKeySpec wrappingKeySpec, Partition partition) {
		for (WrappingAlgorithm candidate : SUPPORTED) {
			if (compatible(keySpec, candidate, wrappingKeySpec, partition)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Material length that decides whether RSA-OAEP can carry it: exact for symmetric and HMAC keys; for private keys
	 * the DER PKCS#8 that OpenSSL writes (named curve, public key included), the format AWS documents. A longer
	 * encoding of a key is caught against the real length in {@link #wrap}.
	 */
	static int typicalLength(KeySpec keySpec) {
		return typicalLength(keySpec, Partition.STANDARD);
	}

	static int typicalLength(KeySpec keySpec, Partition partition) {
		return switch (keySpec) {
			case ECC_NIST_P256, SM2 -> 138;
			case ECC_SECG_P256K1 -> 135;
			case ECC_NIST_P384 -> 185;
			case ECC_NIST_P521 -> 241;
			case RSA_2048 -> 1217;
			case RSA_3072 -> 1794;
			case RSA_4096 -> 2373;
			default -> materialLength(keySpec, partition);
		};
	}

	/** Exact length of symmetric and HMAC material. */
	private static int materialLength(KeySpec keySpec, Partition partition) {
		return (keySpec == KeySpec.SYMMETRIC_DEFAULT) ? partition.symmetricDefaultLength() : keySpec.size();
	}

	/** " in the AWS China regions (SM4)" where the partition changes the length. */
	private static String partitionNote(KeySpec keySpec, Partition partition) {
		return (keySpec == KeySpec.SYMMETRIC_DEFAULT && partition == Partition.CHINA)
				? " in the AWS China regions (an SM4 key)" : "";
	}

	/** A 16/32-byte mix-up between the partitions. */
	private static String partitionHint(KeySpec keySpec, Partition partition, int found) {
		if (keySpec != KeySpec.SYMMETRIC_DEFAULT) {
			return "";
		}
		for (Partition other : Partition.values()) {
			if (other != partition && found == other.symmetricDefaultLength()) {
				return " (" + found + " bytes is SYMMETRIC_DEFAULT in " + other.describe() + ", not in "
						+ partition.describe() + ")";
			}
		}
		return "";
	}

	private static String encodingHint(int expected, int found) {
		if (found == 2 * expected) {
			return " (hex text? the material must be raw binary)";
		}
		if (found == base64Length(expected)) {
			return " (base64 text? the material must be raw binary)";
		}
		return "";
	}

	private static int base64Length(int bytes) {
		return 4 * ((bytes + 2) / 3);
	}

	/** Whether the first {@code k} bytes, as an unsigned big-endian number, are below the modulus. */
	private static boolean belowModulus(byte[] bytes, int k, RSAPublicKey key) {
		byte[] modulus = key.getModulus().toByteArray();
		// toByteArray may add a leading sign byte; compare the k low-order bytes
		int shift = modulus.length - k;
		for (int i = 0; i < k; i++) {
			int a = bytes[i] & 0xff;
			int n = modulus[i + shift] & 0xff;
			if (a != n) {
				return a < n;
			}
		}
		return false;
	}

	private static String join(List<String> items) {
		if (items.isEmpty()) {
			return "";
		}
		if (items.size() == 1) {
			return items.get(0);
		}
		return String.join(", ", items.subList(0, items.size() - 1)) + " or " + items.get(items.size() - 1);
	}

}
