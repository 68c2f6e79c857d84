package io.keyport.kms.huawei;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.keyport.kms.KmsErrorCode;
import io.keyport.kms.KmsException;
import io.keyport.kms.KmsTargetSettings;

/**
 * A Huawei target's AK/SK (and security token of temporary credentials), from the
 * target's files or from the SDK's environment variables, field by field: a file when its
 * property is set, else the variable (the token variable only when the AK and SK come
 * from the environment too). Files are checked on every use and re-read when they change
 * (a rotated, mounted secret applies without a restart); when a changed file cannot be
 * read, the last credentials read keep being used. The secret key is held as bytes and
 * never appears in a message or {@code toString}.
 */
final class HuaweiCredentials {

	static final String ENV_ACCESS_KEY = "HUAWEICLOUD_SDK_AK";

	static final String ENV_SECRET_KEY = "HUAWEICLOUD_SDK_SK";

	static final String ENV_SECURITY_TOKEN = "HUAWEICLOUD_SDK_SECURITY_TOKEN";

	private static final Logger log = LoggerFactory.getLogger(HuaweiCredentials.class);

	private final String target;

	private final Source accessKey;

	private final Source secretKey;

	private final Source securityToken;

	private Credentials current;

	private HuaweiCredentials(String target, Source accessKey, Source secretKey, Source securityToken) {
		this.target = target;
		this.accessKey = accessKey;
		this.secretKey = secretKey;
		this.securityToken = securityToken;
	}

	/**
	 * The target's credentials, read once now.
	 * @param env the environment ({@code System::getenv} outside tests)
	 * @throws IllegalStateException naming the target and the property or variable when
	 * the AK or SK is missing or a configured file cannot be read
	 */
	static HuaweiCredentials of(String target, KmsTargetSettings settings, Function<String, String> env) {
		String prefix = KmsTargetSettings.property(target, "");
		Source accessKey = source(settings.accessKeyFile(), prefix + "access-key-file", ENV_ACCESS_KEY, env);
		Source secretKey = source(settings.secretKeyFile(), prefix + "secret-key-file", ENV_SECRET_KEY, env);
		// a token from the environment belongs to the AK/SK there: not combined
		// with files
		boolean allFromEnv = settings.accessKeyFile() == null && settings.secretKeyFile() == null;
		Source securityToken = source(settings.securityTokenFile(), prefix + "security-token-file", ENV_SECURITY_TOKEN,
				allFromEnv ? env : name -> null);
		HuaweiCredentials credentials = new HuaweiCredentials(target, accessKey, secretKey, securityToken);
		for (Source required : new Source[] { accessKey, secretKey }) {
			if (required.file == null && required.envValue == null) {
				throw new IllegalStateException("Huawei KMS target '" + target + "' has no " + required.description()
						+ ": set " + required.property + " or the environment variable " + required.envVariable);
			}
		}
		try {
			credentials.current();
		}
		catch (KmsException ex) {
			throw new IllegalStateException("Huawei KMS target '" + target + "': " + ex.getMessage(), null);
		}
		return credentials;
	}

	private static Source source(Path file, String property, String envVariable, Function<String, String> env) {
		String envValue = file == null ? env.apply(envVariable) : null;
		return new Source(file, property, envVariable,
				envValue == null || envValue.isBlank() ? null : envValue.strip().getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * The credentials to sign the next request with: the same object as long as no file
	 * changed.
	 * @throws KmsException with {@link KmsErrorCode#ACCESS_DENIED} when a file was never
	 * readable
	 */
	synchronized Credentials current() {
		boolean changed = this.accessKey.refresh(this.target) | this.secretKey.refresh(this.target)
				| this.securityToken.refresh(this.target);
		if (this.current == null || changed) {
			byte[] token = this.securityToken.value();
			this.current = new Credentials(new String(this.accessKey.value(), StandardCharsets.UTF_8),
					this.secretKey.value().clone(), token != null ? new String(token, StandardCharsets.UTF_8) : null);
		}
		return this.current;
	}

	@Override
	public String toString() {
		return "HuaweiCredentials[target=" + this.target + ", accessKey=" + this.accessKey.origin() + ", secretKey="
				+ this.secretKey.origin() + "]";
	}

	/**
	 * One set of credentials. {@code toString} shows the AK only.
	 *
	 * @param securityToken the temporary credential's token, or {@code null}
	 */
	record Credentials(String accessKey, byte[] secretKey, String securityToken) {

		@Override
		public boolean equals(Object other) {
			return this == other;
		}

		@Override
		public int hashCode() {
			return System.identityHashCode(this);
		}

		@Override
		public String toString() {
			return "Credentials[accessKey=" + this.accessKey + ", temporary=" + (this.securityToken != null) + "]";
		}

	}

	/** One value: a file watched for changes, or an environment variable's value. */
	private static final class Source {

		private final Path file;

		private final String property;

		private final String envVariable;

		private final byte[] envValue;

		private byte[] fileValue;

		private FileTime modified;

		private long size = -1;

		Source(Path file, String property, String envVariable, byte[] envValue) {
			this.file = file;
			this.property = property;
			this.envVariable = envVariable;
			this.envValue = envValue;
		}

		byte[] value() {
			return this.file != null ? this.fileValue : this.envValue;
		}

		/** Re-reads the file when its time or size changed; whether the value did. */
		boolean refresh(String target) {
			if (this.file == null) {
				return false;
			}
			try {
				FileTime modified = Files.getLastModifiedTime(this.file);
				long size = Files.size(this.file);
				if (this.fileValue != null && modified.equals(this.modified) && size == this.size) {
					return false;
				}
				byte[] read = Files.readAllBytes(this.file);
				byte[] value = strip(read);
				Arrays.fill(read, (byte) 0);
				if (value.length == 0) {
					throw new IOException("it is empty");
				}
				boolean changed = this.fileValue == null || !Arrays.equals(this.fileValue, value);
				if (this.fileValue != null) {
					Arrays.fill(this.fileValue, (byte) 0);
				}
				this.fileValue = value;
				this.modified = modified;
				this.size = size;
				if (changed) {
					log.info("Huawei KMS target '{}': read {} from {}", target, description(), this.file);
				}
				return changed;
			}
			catch (IOException ex) {
				// the exception's message names the file only, never its content
				if (this.fileValue == null) {
					throw new KmsException(
							KmsErrorCode.ACCESS_DENIED, "Credentials", "the " + description() + " file " + this.file
									+ " (" + this.property + ") cannot be read: " + ex.getClass().getSimpleName(),
							null);
				}
				log.warn("Huawei KMS target '{}': the {} file {} cannot be read ({}); the last one read is used",
						target, description(), this.file, ex.getClass().getSimpleName());
				return false;
			}
		}

		String description() {
			return switch (this.envVariable) {
				case ENV_ACCESS_KEY -> "access key (AK)";
				case ENV_SECRET_KEY -> "secret key (SK)";
				default -> "security token";
			};
		}

		String origin() {
			return this.file != null ? this.file.toString() : this.envValue != null ? this.envVariable : "none";
		}

		/** Without surrounding ASCII whitespace (a trailing newline in a secret file). */
		private static byte[] strip(byte[] bytes) {
			int start = 0;
			int end = bytes.length;
			while (start < end && (bytes[start] & 0xff) <= ' ') {
				start++;
			}
			while (end > start && (bytes[end - 1] & 0xff) <= ' ') {
				end--;
			}
			return Arrays.copyOfRange(bytes, start, end);
		}

	}

}
