package io.keyport.kms.aws;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

import io.keyport.kms.KmsErrorCode;

/**
 * The credentials of a target's role, as the SDK's cached STS provider keeps them. When
 * STS refuses (a trust policy that does not name Keyport, a wrong external id) the
 * failure names the target and the role instead of surfacing as an anonymous SDK error of
 * whatever KMS call needed the credentials.
 */
final class AssumedRoleCredentials implements AwsCredentialsProvider {

	private final String target;

	private final String roleArn;

	private final StsAssumeRoleCredentialsProvider delegate;

	AssumedRoleCredentials(String target, String roleArn, StsAssumeRoleCredentialsProvider delegate) {
		this.target = target;
		this.roleArn = roleArn;
		this.delegate = delegate;
	}

	@Override
	public AwsCredentials resolveCredentials() {
		try {
			return this.delegate.resolveCredentials();
		}
		catch (SdkException ex) {
			throw new Failure(code(ex),
					"KMS target '" + this.target + "' could not assume role " + this.roleArn + ": " + describe(ex), ex);
		}
	}

	/**
	 * STS refusing is the target's configuration (not the caller's input, not worth a
	 * retry) unless STS is throttling or unwell.
	 */
	private static KmsErrorCode code(SdkException ex) {
		if (ex instanceof AwsServiceException service) {
			if (service.isThrottlingException()) {
				return KmsErrorCode.THROTTLED;
			}
			return service.statusCode() >= 500 ? KmsErrorCode.UNAVAILABLE : KmsErrorCode.ACCESS_DENIED;
		}
		return KmsErrorCode.UNAVAILABLE;
	}

	private static String describe(SdkException ex) {
		if (ex instanceof AwsServiceException service && service.awsErrorDetails() != null) {
			return service.awsErrorDetails().errorCode() + ": " + service.awsErrorDetails().errorMessage();
		}
		return ex.getMessage();
	}

	@Override
	public String toString() {
		return "AssumedRoleCredentials[" + this.target + ", " + this.roleArn + "]";
	}

	/**
	 * Thrown through the SDK (which passes a credentials provider's exception on as it
	 * is) to {@link AwsKmsProvider}, which makes it the failure of the KMS operation.
	 */
	static final class Failure extends RuntimeException {

		private final KmsErrorCode code;

		Failure(KmsErrorCode code, String message, Throwable cause) {
			super(message, cause);
			this.code = code;
		}

		KmsErrorCode code() {
			return this.code;
		}

	}

}
