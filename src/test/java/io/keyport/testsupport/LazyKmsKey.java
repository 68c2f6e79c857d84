package io.keyport.testsupport;

/**
 * A KMS key (origin AWS_KMS, symmetric, ENCRYPT_DECRYPT) on the shared emulator, created
 * at its first use: a test class's own custody key, for instance, named in its dynamic
 * properties before the emulator is needed.
 */
public final class LazyKmsKey {

	private final String description;

	private String arn;

	public LazyKmsKey(String description) {
		this.description = description;
	}

	public synchronized String arn() {
		if (this.arn == null) {
			this.arn = TestInfrastructure.kmsClient()
				.createKey(r -> r.description(this.description))
				.keyMetadata()
				.arn();
		}
		return this.arn;
	}

}
