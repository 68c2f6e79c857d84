package io.keyport.custody;

import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

import io.keyport.wrapping.EncryptedKeyMaterial;
import io.keyport.wrapping.ImportSpec;
import io.keyport.wrapping.KeyMaterial;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.MaterialSealing;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingPublicKey;

/**
 * Keeps material in a PKCS#11 token as a sensitive secret key object (CKA_SENSITIVE true,
 * so its value is never readable; CKA_EXTRACTABLE true, only so that it can be wrapped)
 * and wraps it inside the token with the job's RSA wrapping public key (C_WrapKey,
 * CKM_RSA_PKCS_OAEP with the algorithm's hash for label and MGF1): generated material
 * never enters the JVM. Symmetric (SYMMETRIC_DEFAULT as an AES-256 key) and HMAC
 * material; private keys (RSA_AES_KEY_WRAP) are not kept here yet. The reference id is
 * {@code <KEY_SPEC>.<uuid>}, the object's label {@code keyport-custody:<id>}.
 */
final class Pkcs11Custodian implements Custodian {

	/** The wrapping algorithms the token's RSA-OAEP mechanism serves. */
	private static final Set<WrappingAlgorithm> OAEP = EnumSet.of(WrappingAlgorithm.RSAES_OAEP_SHA_1,
			WrappingAlgorithm.RSAES_OAEP_SHA_256);

	static final String TYPE = "pkcs11";

	private static final String LABEL_PREFIX = "keyport-custody:";

	private final String name;

	private final Path library;

	private final String tokenLabel;

	private final char[] pin;

	/**
	 * The token's refusal of the PIN, once it refused it: the PIN is read once, so every
	 * later login would be refused too, and an HSM that counts failed logins would lock
	 * its user. No login is tried again until a restart with a corrected pin file.
	 */
	private String pinRefused;

	private Pkcs11Module module;

	Pkcs11Custodian(String name, Path library, String tokenLabel, char[] pin) {
		this.name = name;
		this.library = library;
		this.tokenLabel = tokenLabel;
		this.pin = pin;
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public String type() {
		return TYPE;
	}

	@Override
	public CustodyReference generate(KeySpec keySpec, int length) {
		String id = newId(keySpec);
		checkLength(keySpec, length);
		return inSession(session -> {
			long mechanism = (keySpec == KeySpec.SYMMETRIC_DEFAULT) ? Pkcs11Module.CKM_AES_KEY_GEN
					: Pkcs11Module.CKM_GENERIC_SECRET_KEY_GEN;
			this.module.generateKey(session, mechanism, secretKeyTemplate(id, keySpec, null, length));
			return new CustodyReference(this.name, id);
		});
	}

	/**
	 * Creates the token object from the material: the JDK's binding copies the buffer
	 * into native memory for the call (the JDK frees that copy without overwriting it).
	 */
	@Override
	public CustodyReference store(KeyMaterial material, KeySpec keySpec) {
		String id = newId(keySpec);
		checkLength(keySpec, material.length());
		return inSession(session -> MaterialSealing.withLiveBytes(material, bytes -> {
			this.module.createObject(session, secretKeyTemplate(id, keySpec, bytes, bytes.length));
			return new CustodyReference(this.name, id);
		}));
	}

	@Override
	public void checkCanKeep(KeySpec keySpec, WrappingAlgorithm algorithm) {
		if (keySpec != KeySpec.SYMMETRIC_DEFAULT && keySpec.kind() != KeySpec.Kind.HMAC) {
			throw new CustodyException(CustodyException.Reason.UNSUPPORTED, this.name,
					"custodian " + this.name + " keeps SYMMETRIC_DEFAULT and HMAC material only, not " + keySpec);
		}
		if (!OAEP.contains(algorithm)) {
			throw new CustodyException(CustodyException.Reason.UNSUPPORTED, this.name, "custodian " + this.name
					+ " wraps with RSAES_OAEP_SHA_1 or RSAES_OAEP_SHA_256 only, not " + algorithm);
		}
	}

	@Override
	public EncryptedKeyMaterial wrapForImport(CustodyReference reference, WrappingPublicKey wrappingKey,
			ImportSpec spec) {
		KeySpec kept = keySpecOf(reference);
		if (kept != spec.keySpec()) {
			throw new CustodyException(CustodyException.Reason.UNSUPPORTED, this.name,
					"custody material " + reference.id() + " was kept for " + kept + ", not " + spec.keySpec());
		}
		WrappingAlgorithm algorithm = spec.algorithm();
		checkCanKeep(spec.keySpec(), algorithm);
		wrappingKey.checkSpec(spec.wrappingKeySpec());
		if (!(wrappingKey.publicKey() instanceof RSAPublicKey rsa)) {
			throw new CustodyException(CustodyException.Reason.UNSUPPORTED, this.name,
					"custodian " + this.name + " wraps under RSA wrapping keys only");
		}
		boolean sha256 = algorithm.oaepHash() == WrappingAlgorithm.Hash.SHA_256;
		return inSession(session -> {
			long key = find(session, reference);
			long wrapping = this.module.createObject(session,
					new Object[] { Pkcs11Module.CKA_CLASS, Pkcs11Module.CKO_PUBLIC_KEY, Pkcs11Module.CKA_KEY_TYPE,
							Pkcs11Module.CKK_RSA, Pkcs11Module.CKA_TOKEN, false, Pkcs11Module.CKA_WRAP, true,
							Pkcs11Module.CKA_ENCRYPT, true, Pkcs11Module.CKA_MODULUS, rsa.getModulus(),
							Pkcs11Module.CKA_PUBLIC_EXPONENT, rsa.getPublicExponent() });
			try {
				byte[] wrapped = this.module.wrapOaep(session, wrapping, key,
						sha256 ? Pkcs11Module.CKM_SHA256 : Pkcs11Module.CKM_SHA_1,
						sha256 ? Pkcs11Module.CKG_MGF1_SHA256 : Pkcs11Module.CKG_MGF1_SHA1);
				return EncryptedKeyMaterial.of(wrapped);
			}
			finally {
				this.module.destroyObject(session, wrapping);
			}
		});
	}

	@Override
	public void destroy(CustodyReference reference) {
		keySpecOf(reference);
		inSession(session -> {
			for (long object : this.module.findObjects(session, labelTemplate(reference.id()))) {
				this.module.destroyObject(session, object);
			}
			return null;
		});
	}

	private long find(long session, CustodyReference reference) {
		long[] found = this.module.findObjects(session, labelTemplate(reference.id()));
		if (found.length == 0) {
			throw new CustodyException(CustodyException.Reason.MATERIAL_NOT_FOUND, this.name, "token '"
					+ this.tokenLabel + "' of custodian " + this.name + " has no object for " + reference.id());
		}
		return found[0];
	}

	private Object[] labelTemplate(String id) {
		return new Object[] { Pkcs11Module.CKA_CLASS, Pkcs11Module.CKO_SECRET_KEY, Pkcs11Module.CKA_LABEL,
				LABEL_PREFIX + id };
	}

	/**
	 * A token object, sensitive, extractable only wrapped; with a value when imported.
	 */
	private static Object[] secretKeyTemplate(String id, KeySpec keySpec, byte[] value, int length) {
		long keyType = (keySpec == KeySpec.SYMMETRIC_DEFAULT) ? Pkcs11Module.CKK_AES : Pkcs11Module.CKK_GENERIC_SECRET;
		Object[] common = { Pkcs11Module.CKA_CLASS, Pkcs11Module.CKO_SECRET_KEY, Pkcs11Module.CKA_KEY_TYPE, keyType,
				Pkcs11Module.CKA_TOKEN, true, Pkcs11Module.CKA_PRIVATE, true, Pkcs11Module.CKA_SENSITIVE, true,
				Pkcs11Module.CKA_EXTRACTABLE, true, Pkcs11Module.CKA_LABEL, LABEL_PREFIX + id };
		Object[] extra = (value != null) ? new Object[] { Pkcs11Module.CKA_VALUE, value }
				: new Object[] { Pkcs11Module.CKA_VALUE_LEN, (long) length };
		Object[] template = Arrays.copyOf(common, common.length + extra.length);
		System.arraycopy(extra, 0, template, common.length, extra.length);
		return template;
	}

	/**
	 * The token takes the lengths a provider imports: SYMMETRIC_DEFAULT as AES-256, or
	 * AES-128 for the 16-byte SM4 key of the AWS China regions; HMAC its own.
	 */
	private void checkLength(KeySpec keySpec, int length) {
		boolean fits = length == keySpec.materialBytes() || (keySpec == KeySpec.SYMMETRIC_DEFAULT && length == 16);
		if (!fits) {
			throw new CustodyException(CustodyException.Reason.UNSUPPORTED, this.name,
					keySpec + " material is " + keySpec.materialBytes() + " bytes, not " + length);
		}
	}

	private String newId(KeySpec keySpec) {
		if (keySpec != KeySpec.SYMMETRIC_DEFAULT && keySpec.kind() != KeySpec.Kind.HMAC) {
			throw new CustodyException(CustodyException.Reason.UNSUPPORTED, this.name,
					"custodian " + this.name + " keeps SYMMETRIC_DEFAULT and HMAC material only, not " + keySpec);
		}
		return keySpec.name() + "." + UUID.randomUUID();
	}

	private KeySpec keySpecOf(CustodyReference reference) {
		if (!this.name.equals(reference.custodian())) {
			throw new CustodyException(CustodyException.Reason.MATERIAL_NOT_FOUND, this.name,
					"reference of custodian " + reference.custodian() + " given to custodian " + this.name);
		}
		int dot = reference.id().indexOf('.');
		try {
			return KeySpec.valueOf(reference.id().substring(0, Math.max(dot, 0)));
		}
		catch (IllegalArgumentException ex) {
			throw new CustodyException(CustodyException.Reason.MATERIAL_NOT_FOUND, this.name,
					"custody id " + reference.id() + " is not one of custodian " + this.name);
		}
	}

	private interface SessionWork<T> {

		T run(long session);

	}

	/**
	 * One logged-in session per operation; the JDK's binding is not safe for concurrent
	 * use of one session, and custody operations are rare.
	 */
	private synchronized <T> T inSession(SessionWork<T> work) {
		if (this.pinRefused != null) {
			// refused as the first time: an operator must fix it, a retry cannot
			throw new CustodyException(CustodyException.Reason.REFUSED, this.name,
					"token '" + this.tokenLabel + "' refused the PIN of custodian " + this.name + " (" + this.pinRefused
							+ "); Keyport does not log in with it again, so the token does not lock "
							+ "its user: correct the pin file and restart");
		}
		try {
			if (this.module == null) {
				this.module = new Pkcs11Module(this.library);
			}
			long session = this.module.openSession(slot());
			try {
				try {
					this.module.login(session, this.pin);
				}
				catch (Pkcs11Module.Failure ex) {
					if (Pkcs11Module.CKR_PIN_REFUSALS.contains(ex.errorCode())) {
						this.pinRefused = String.valueOf(ex.getMessage());
					}
					throw ex;
				}
				return work.run(session);
			}
			finally {
				this.module.closeSession(session);
			}
		}
		catch (Pkcs11Module.Failure ex) {
			throw translate(ex);
		}
	}

	private long slot() {
		for (long slot : this.module.slotsWithTokens()) {
			if (this.tokenLabel.equals(this.module.tokenLabel(slot))) {
				return slot;
			}
		}
		throw new CustodyException(CustodyException.Reason.UNAVAILABLE, this.name,
				"no token labelled '" + this.tokenLabel + "' is present for custodian " + this.name);
	}

	private CustodyException translate(Pkcs11Module.Failure ex) {
		String message = String.valueOf(ex.getMessage());
		CustodyException.Reason reason = message.contains("TOKEN_NOT_PRESENT") || message.contains("DEVICE")
				|| message.contains("SESSION") || ex.errorCode() < 0 ? CustodyException.Reason.UNAVAILABLE
						: CustodyException.Reason.REFUSED;
		return new CustodyException(reason, this.name,
				"token '" + this.tokenLabel + "' of custodian " + this.name + " refused the operation: " + message, ex);
	}

}
