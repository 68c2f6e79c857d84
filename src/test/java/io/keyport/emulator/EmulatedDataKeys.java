package io.keyport.emulator;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import tools.jackson.databind.JsonNode;

import io.keyport.emulator.EmulatedKey.State;

/**
 * GenerateDataKey and Decrypt for symmetric ENCRYPT_DECRYPT keys whose material the
 * emulator generated (Origin AWS_KMS). Ciphertext blobs are real AES-256-GCM under the
 * key's own secret: {@code "KEDK" ‖ key id length ‖ key id ‖ nonce ‖ ciphertext ‖ tag},
 * with the key id and the canonical encryption context as additional data, so only this
 * emulator, with the same key and context, can decrypt them. Imported (EXTERNAL) material
 * is never kept, so those keys answer UnsupportedOperationException here.
 */
final class EmulatedDataKeys {

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final byte[] MAGIC = "KEDK".getBytes(StandardCharsets.US_ASCII);

	private static final int NONCE_BYTES = 12;

	private static final int TAG_BITS = 128;

	private EmulatedDataKeys() {
	}

	/** A fresh key secret for an AWS_KMS symmetric key. */
	static byte[] newKeySecret() {
		byte[] secret = new byte[32];
		RANDOM.nextBytes(secret);
		return secret;
	}

	static Map<String, Object> generate(EmulatedKey key, JsonRequest request) {
		String keySpec = request.enumValue("KeySpec", java.util.List.of("AES_256", "AES_128"));
		Integer numberOfBytes = request.integer("NumberOfBytes");
		if ((keySpec == null) == (numberOfBytes == null)) {
			throw KmsServiceError.validation("Please specify either number of bytes or key spec.");
		}
		int length = (numberOfBytes != null) ? numberOfBytes : "AES_128".equals(keySpec) ? 16 : 32;
		if (length < 1 || length > 1024) {
			throw KmsServiceError.validation("1 validation error detected: Value '" + length
					+ "' at 'numberOfBytes' failed to satisfy constraint: Member must have value between 1 and 1024");
		}
		Map<String, String> context = encryptionContext(request);
		byte[] secret = usableSecret(key);
		byte[] plaintext = new byte[length];
		RANDOM.nextBytes(plaintext);
		try {
			byte[] blob = seal(key, secret, plaintext, context);
			Map<String, Object> response = new LinkedHashMap<>();
			response.put("KeyId", key.arn);
			response.put("CiphertextBlob", Base64.getEncoder().encodeToString(blob));
			response.put("Plaintext", Base64.getEncoder().encodeToString(plaintext));
			return response;
		}
		finally {
			Arrays.fill(plaintext, (byte) 0);
		}
	}

	/**
	 * @param named the key the caller named, or {@code null} (the blob names its key)
	 * @param keys finds the key the blob names
	 */
	static Map<String, Object> decrypt(EmulatedKey named, JsonRequest request,
			java.util.function.Function<String, EmulatedKey> keys) {
		byte[] blob = request.requiredBlob("CiphertextBlob", 6144);
		String algorithm = request.enumValue("EncryptionAlgorithm",
				java.util.List.of("SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"));
		if (algorithm != null && !algorithm.equals("SYMMETRIC_DEFAULT")) {
			throw invalidKeyUsage("The emulator decrypts SYMMETRIC_DEFAULT ciphertexts only.");
		}
		Map<String, String> context = encryptionContext(request);
		ByteBuffer in = ByteBuffer.wrap(blob);
		if (blob.length < MAGIC.length + 1 + NONCE_BYTES + TAG_BITS / 8
				|| !Arrays.equals(Arrays.copyOf(blob, MAGIC.length), MAGIC)) {
			throw KmsServiceError.invalidCiphertext("");
		}
		in.position(MAGIC.length);
		int idLength = in.get() & 0xff;
		if (in.remaining() < idLength + NONCE_BYTES + TAG_BITS / 8) {
			throw KmsServiceError.invalidCiphertext("");
		}
		byte[] id = new byte[idLength];
		in.get(id);
		String keyId = new String(id, StandardCharsets.US_ASCII);
		EmulatedKey key;
		try {
			key = keys.apply(keyId);
		}
		catch (KmsServiceError ex) {
			throw KmsServiceError.invalidCiphertext("");
		}
		if (named != null && named != key) {
			throw new KmsServiceError("IncorrectKeyException", 400,
					"The key ID in the request does not identify a CMK that can perform this operation.");
		}
		byte[] secret = usableSecret(key);
		byte[] nonce = new byte[NONCE_BYTES];
		in.get(nonce);
		byte[] ciphertext = new byte[in.remaining()];
		in.get(ciphertext);
		byte[] plaintext;
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(secret, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(aad(key, context));
			plaintext = cipher.doFinal(ciphertext);
		}
		catch (GeneralSecurityException ex) {
			// a changed blob, another encryption context: AWS says no more than this
			throw KmsServiceError.invalidCiphertext("");
		}
		try {
			Map<String, Object> response = new LinkedHashMap<>();
			response.put("KeyId", key.arn);
			response.put("Plaintext", Base64.getEncoder().encodeToString(plaintext));
			response.put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
			return response;
		}
		finally {
			Arrays.fill(plaintext, (byte) 0);
		}
	}

	/** The key's secret, when its state and kind allow encryption. */
	private static byte[] usableSecret(EmulatedKey key) {
		synchronized (key) {
			if (key.isExternal()) {
				throw KmsServiceError
					.unsupported(key.arn + ": the KMS emulator keeps no imported material and cannot encrypt with it.");
			}
			if (key.spec != EmulatedKeySpec.SYMMETRIC_DEFAULT || !"ENCRYPT_DECRYPT".equals(key.usage)
					|| key.secret == null) {
				throw invalidKeyUsage(key.arn + " key usage is " + key.usage + " and key spec is " + key.spec
						+ ", which is not valid for this operation.");
			}
			State state = key.state();
			if (state == State.Disabled) {
				throw KmsServiceError.disabled(key.arn + " is disabled.");
			}
			if (state != State.Enabled) {
				throw KmsServiceError.invalidState(key.arn + " is " + state + ".");
			}
			return key.secret;
		}
	}

	private static byte[] seal(EmulatedKey key, byte[] secret, byte[] plaintext, Map<String, String> context) {
		byte[] nonce = new byte[NONCE_BYTES];
		RANDOM.nextBytes(nonce);
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(secret, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(aad(key, context));
			byte[] ciphertext = cipher.doFinal(plaintext);
			byte[] id = key.id.getBytes(StandardCharsets.US_ASCII);
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			out.writeBytes(MAGIC);
			out.write(id.length);
			out.writeBytes(id);
			out.writeBytes(nonce);
			out.writeBytes(ciphertext);
			return out.toByteArray();
		}
		catch (GeneralSecurityException ex) {
			throw KmsServiceError.internal("Encryption failed");
		}
	}

	/** Key id and the context sorted by name, each part length-prefixed. */
	private static byte[] aad(EmulatedKey key, Map<String, String> context) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		writePart(out, key.id);
		new TreeMap<>(context).forEach((name, value) -> {
			writePart(out, name);
			writePart(out, value);
		});
		return out.toByteArray();
	}

	private static void writePart(ByteArrayOutputStream out, String part) {
		byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
		out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
		out.writeBytes(bytes);
	}

	private static Map<String, String> encryptionContext(JsonRequest request) {
		JsonNode node = request.body().get("EncryptionContext");
		Map<String, String> context = new TreeMap<>();
		if (node == null || node.isNull()) {
			return context;
		}
		if (!node.isObject()) {
			throw KmsServiceError.serialization("Expected a map for EncryptionContext");
		}
		for (Map.Entry<String, JsonNode> entry : node.properties()) {
			if (!entry.getValue().isString()) {
				throw KmsServiceError.serialization("Expected a string for EncryptionContext." + entry.getKey());
			}
			context.put(entry.getKey(), entry.getValue().stringValue());
		}
		return context;
	}

	private static KmsServiceError invalidKeyUsage(String message) {
		return new KmsServiceError("InvalidKeyUsageException", 400, message);
	}

}
