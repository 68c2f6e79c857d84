package io.keyport.custody;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.math.BigInteger;
import java.nio.file.Path;

/**
 * The few PKCS#11 calls the HSM custodian needs, through the JDK's own PKCS#11 binding
 * ({@code sun.security.pkcs11.wrapper} in module {@code jdk.crypto.cryptoki}). The
 * SunPKCS11 provider's {@code Cipher} offers only PKCS1Padding and NoPadding for RSA (no
 * CKM_RSA_PKCS_OAEP), so the wrap goes to C_WrapKey directly. The package is not
 * exported: the JVM needs
 * {@code --add-exports jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED}, and
 * the code is reached by reflection because {@code javac --release} cannot compile
 * against a non-exported package.
 */
final class Pkcs11Module {

	static final String ADD_EXPORTS = "--add-exports jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED";

	// PKCS#11 v2.40 numbers
	static final long CKF_RW_SESSION = 0x2, CKF_SERIAL_SESSION = 0x4, CKU_USER = 1;

	static final long CKA_CLASS = 0x0, CKA_TOKEN = 0x1, CKA_PRIVATE = 0x2, CKA_LABEL = 0x3, CKA_VALUE = 0x11,
			CKA_KEY_TYPE = 0x100, CKA_SENSITIVE = 0x103, CKA_ENCRYPT = 0x104, CKA_WRAP = 0x106, CKA_MODULUS = 0x120,
			CKA_PUBLIC_EXPONENT = 0x122, CKA_VALUE_LEN = 0x161, CKA_EXTRACTABLE = 0x162;

	static final long CKO_PUBLIC_KEY = 2, CKO_SECRET_KEY = 4, CKK_RSA = 0, CKK_GENERIC_SECRET = 0x10, CKK_AES = 0x1f;

	static final long CKM_RSA_PKCS_OAEP = 0x9, CKM_AES_KEY_GEN = 0x1080, CKM_GENERIC_SECRET_KEY_GEN = 0x350,
			CKM_SHA_1 = 0x220, CKM_SHA256 = 0x250, CKG_MGF1_SHA1 = 1, CKG_MGF1_SHA256 = 2, CKZ_DATA_SPECIFIED = 1;

	static final long CKR_USER_ALREADY_LOGGED_IN = 0x100;

	/** C_Login's refusals of the PIN itself: wrong, malformed, expired or locked. */
	static final java.util.Set<Long> CKR_PIN_REFUSALS = java.util.Set.of(0xA0L, 0xA1L, 0xA2L, 0xA3L, 0xA4L);

	private static final String PACKAGE = "sun.security.pkcs11.wrapper.";

	private final Object pkcs11;

	/** The public class: the instance's own class may be a non-public subclass. */
	private final Class<?> type;

	private final Class<?> attribute;

	private final Class<?> mechanism;

	private final Class<?> attributeArray;

	/**
	 * Loads the module (once per library path and JVM, as the JDK caches it).
	 * @throws Failure when the JDK binding is not accessible or the module fails
	 */
	Pkcs11Module(Path library) {
		try {
			this.type = Class.forName(PACKAGE + "PKCS11");
			Class<?> initArgs = Class.forName(PACKAGE + "CK_C_INITIALIZE_ARGS");
			this.attribute = Class.forName(PACKAGE + "CK_ATTRIBUTE");
			this.mechanism = Class.forName(PACKAGE + "CK_MECHANISM");
			this.attributeArray = this.attribute.arrayType();
			this.pkcs11 = this.type.getMethod("getInstance", String.class, String.class, initArgs, boolean.class)
				.invoke(null, library.toString(), "C_GetFunctionList", null, false);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			throw Failure.of(ex);
		}
	}

	long[] slotsWithTokens() {
		return (long[]) call("C_GetSlotList", new Class<?>[] { boolean.class }, true);
	}

	/** The token's label, blank-padded to 32 characters by PKCS#11, trimmed. */
	String tokenLabel(long slot) {
		Object info = call("C_GetTokenInfo", new Class<?>[] { long.class }, slot);
		try {
			return new String((char[]) info.getClass().getField("label").get(info)).trim();
		}
		catch (ReflectiveOperationException ex) {
			throw Failure.of(ex);
		}
	}

	long openSession(long slot) {
		try {
			Class<?> notify = Class.forName(PACKAGE + "CK_NOTIFY");
			return (long) call("C_OpenSession", new Class<?>[] { long.class, long.class, Object.class, notify }, slot,
					CKF_SERIAL_SESSION | CKF_RW_SESSION, null, null);
		}
		catch (ClassNotFoundException ex) {
			throw Failure.of(ex);
		}
	}

	void login(long session, char[] pin) {
		try {
			call("C_Login", new Class<?>[] { long.class, long.class, char[].class }, session, CKU_USER, pin);
		}
		catch (Failure ex) {
			if (ex.errorCode() != CKR_USER_ALREADY_LOGGED_IN) {
				throw ex;
			}
		}
	}

	void closeSession(long session) {
		call("C_CloseSession", new Class<?>[] { long.class }, session);
	}

	long generateKey(long session, long mechanismType, Object[] template) {
		return (long) call("C_GenerateKey", new Class<?>[] { long.class, this.mechanism, this.attributeArray }, session,
				mechanism(mechanismType, null), attributes(template));
	}

	long createObject(long session, Object[] template) {
		return (long) call("C_CreateObject", new Class<?>[] { long.class, this.attributeArray }, session,
				attributes(template));
	}

	void destroyObject(long session, long object) {
		call("C_DestroyObject", new Class<?>[] { long.class, long.class }, session, object);
	}

	long[] findObjects(long session, Object[] template) {
		return findObjects(session, template, 2);
	}

	long[] findObjects(long session, Object[] template, long max) {
		call("C_FindObjectsInit", new Class<?>[] { long.class, this.attributeArray }, session, attributes(template));
		try {
			return (long[]) call("C_FindObjects", new Class<?>[] { long.class, long.class }, session, max);
		}
		finally {
			call("C_FindObjectsFinal", new Class<?>[] { long.class }, session);
		}
	}

	/**
	 * C_WrapKey with CKM_RSA_PKCS_OAEP, the given hash for label and MGF1, empty label.
	 */
	byte[] wrapOaep(long session, long wrappingKey, long key, long hash, long mgf) {
		try {
			Object params = Class.forName(PACKAGE + "CK_RSA_PKCS_OAEP_PARAMS").getConstructor().newInstance();
			params.getClass().getField("hashAlg").setLong(params, hash);
			params.getClass().getField("mgf").setLong(params, mgf);
			params.getClass().getField("source").setLong(params, CKZ_DATA_SPECIFIED);
			return (byte[]) call("C_WrapKey", new Class<?>[] { long.class, this.mechanism, long.class, long.class },
					session, mechanism(CKM_RSA_PKCS_OAEP, params), wrappingKey, key);
		}
		catch (ReflectiveOperationException ex) {
			throw Failure.of(ex);
		}
	}

	private Object mechanism(long type, Object parameter) {
		try {
			Object m = this.mechanism.getConstructor(long.class).newInstance(type);
			if (parameter != null) {
				this.mechanism.getField("pParameter").set(m, parameter);
			}
			return m;
		}
		catch (ReflectiveOperationException ex) {
			throw Failure.of(ex);
		}
	}

	/**
	 * Pairs of (attribute type, value): Long, Boolean, String (as chars), byte[],
	 * BigInteger.
	 */
	private Object attributes(Object[] template) {
		Object array = java.lang.reflect.Array.newInstance(this.attribute, template.length / 2);
		try {
			for (int i = 0; i < template.length; i += 2) {
				long type = (Long) template[i];
				Object value = template[i + 1];
				Constructor<?> constructor = switch (value) {
					case Long l -> this.attribute.getConstructor(long.class, long.class);
					case Boolean b -> this.attribute.getConstructor(long.class, boolean.class);
					// char[] and byte[] values go in as Object
					case String s -> this.attribute.getConstructor(long.class, Object.class);
					case byte[] bytes -> this.attribute.getConstructor(long.class, Object.class);
					case BigInteger big -> this.attribute.getConstructor(long.class, BigInteger.class);
					default -> throw new IllegalArgumentException("attribute value " + value.getClass());
				};
				Object argument = (value instanceof String s) ? s.toCharArray() : value;
				java.lang.reflect.Array.set(array, i / 2, constructor.newInstance(type, argument));
			}
			return array;
		}
		catch (ReflectiveOperationException ex) {
			throw Failure.of(ex);
		}
	}

	private Object call(String name, Class<?>[] types, Object... arguments) {
		try {
			Method method = this.type.getMethod(name, types);
			return method.invoke(this.pkcs11, arguments);
		}
		catch (ReflectiveOperationException ex) {
			throw Failure.of(ex);
		}
	}

	/**
	 * A PKCS#11 call failed ({@link #errorCode()} is its CKR_ value, -1 when the binding
	 * itself is not accessible). The message is the CKR_ name; never data.
	 */
	static final class Failure extends RuntimeException {

		private final long errorCode;

		private Failure(String message, long errorCode, Throwable cause) {
			super(message, cause);
			this.errorCode = errorCode;
		}

		long errorCode() {
			return this.errorCode;
		}

		static Failure of(Throwable ex) {
			Throwable cause = (ex instanceof InvocationTargetException target) ? target.getCause() : ex;
			if (cause instanceof Failure failure) {
				return failure;
			}
			if (cause != null && cause.getClass().getName().equals(PACKAGE + "PKCS11Exception")) {
				long code = -1;
				try {
					code = (long) cause.getClass().getMethod("getErrorCode").invoke(cause);
				}
				catch (ReflectiveOperationException ignored) {
					// the name in the message is enough
				}
				return new Failure(cause.getMessage(), code, cause);
			}
			if (cause instanceof IllegalAccessException || cause instanceof ClassNotFoundException) {
				return new Failure("the JDK's PKCS#11 binding is not accessible (" + cause.getMessage()
						+ "); start the JVM with " + ADD_EXPORTS, -1, cause);
			}
			return new Failure(String.valueOf(cause), -1, cause);
		}

	}

}
