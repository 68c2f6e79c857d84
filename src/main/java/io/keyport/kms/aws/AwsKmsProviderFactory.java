package io.keyport.kms.aws;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

import io.keyport.kms.KmsProvider;
import io.keyport.kms.KmsProviderFactory;
import io.keyport.kms.KmsRateLimitProperties;
import io.keyport.kms.KmsRateLimiter;
import io.keyport.kms.KmsTargetSettings;

/**
 * Builds the AWS adapter of a target: one KMS client per target with the shared client
 * settings of {@link AwsKmsProperties}, and, for a target with a {@code role-arn}, the
 * credentials of that role from STS (the default credential chain as the source, cached
 * and refreshed in the background five minutes before they expire). Owns every client it
 * builds and closes them on shutdown.
 */
class AwsKmsProviderFactory implements KmsProviderFactory, AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(AwsKmsProviderFactory.class);

	static final String PROVIDER = "aws";

	/** IAM role ARNs of every partition; the account is group 1. */
	static final Pattern ROLE_ARN = Pattern.compile("arn:aws(?:-[a-z]+)*:iam::(\\d{12}):role/[\\w+=,.@/-]{1,512}");

	/** STS's external id syntax. */
	private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");

	/** Characters STS refuses in a role session name. */
	private static final Pattern NOT_IN_SESSION_NAME = Pattern.compile("[^\\w+=,.@-]");

	private final AwsKmsProperties properties;

	private final List<AutoCloseable> resources = new ArrayList<>();

	AwsKmsProviderFactory(AwsKmsProperties properties) {
		this.properties = properties;
	}

	@Override
	public String provider() {
		return PROVIDER;
	}

	@Override
	public KmsProvider create(String name, KmsTargetSettings settings) {
		check(name, settings);
		Region region = region(settings);
		AwsCredentialsProvider credentials = credentials(name, settings, region);
		URI endpoint = endpoint(settings);
		// one connection pool for the target's two clients (closed after them)
		SdkHttpClient http = own(
				ApacheHttpClient.builder().connectionTimeout(this.properties.connectTimeout()).build());
		KmsClient kms = own(kmsClient(region, credentials, endpoint, http, this.properties.maxAttempts()));
		// for the calls a repetition is not safe for (see AwsKmsProvider)
		KmsClient notRetried = own(kmsClient(region, credentials, endpoint, http, 1));
		return new AwsKmsProvider(kms, notRetried, new CallerAccount(name, region, credentials));
	}

	private KmsClient kmsClient(Region region, AwsCredentialsProvider credentials, URI endpoint, SdkHttpClient http,
			int maxAttempts) {
		KmsClientBuilder builder = KmsClient.builder()
			.httpClient(http)
			.overrideConfiguration(c -> timeouts(c).retryStrategy(b -> b.maxAttempts(maxAttempts)))
			.credentialsProvider(credentials);
		if (region != null) {
			builder.region(region);
		}
		if (endpoint != null) {
			builder.endpointOverride(endpoint);
		}
		return builder.build();
	}

	private ClientOverrideConfiguration.Builder timeouts(ClientOverrideConfiguration.Builder configuration) {
		return configuration.apiCallTimeout(this.properties.apiCallTimeout())
			.apiCallAttemptTimeout(this.properties.apiCallAttemptTimeout());
	}

	/**
	 * The account the target's credentials act in (GetCallerIdentity needs no
	 * permission); empty, and asked again next time, when STS cannot answer now. The STS
	 * client is built on first use: most targets never name a replica.
	 */
	private final class CallerAccount implements Supplier<Optional<String>> {

		private final String target;

		private final Region region;

		private final AwsCredentialsProvider credentials;

		private StsClient sts;

		CallerAccount(String target, Region region, AwsCredentialsProvider credentials) {
			this.target = target;
			this.region = region;
			this.credentials = credentials;
		}

		@Override
		public synchronized Optional<String> get() {
			try {
				if (this.sts == null) {
					this.sts = own(sts(this.region).credentialsProvider(this.credentials).build());
				}
				return Optional.of(this.sts.getCallerIdentity().account());
			}
			catch (RuntimeException ex) {
				log.warn("Target {}: the account of its credentials is unknown for now (STS GetCallerIdentity: {})",
						this.target, ex.toString());
				return Optional.empty();
			}
		}

	}

	/** An STS client of the region, at the configured STS endpoint if one is set. */
	private StsClientBuilder sts(Region region) {
		StsClientBuilder sts = configure(StsClient.builder(), region);
		if (this.properties.stsEndpoint() != null) {
			sts.endpointOverride(this.properties.stsEndpoint());
		}
		return sts;
	}

	/** Today's per-operation pace, now per target. */
	@Override
	public KmsRateLimiter defaultLimiter(KmsRateLimitProperties rateLimits) {
		return rateLimits.limiter();
	}

	/**
	 * AWS counts request quotas per account and Region (GetParametersForImport: 0.25/s):
	 * targets in one share them. The account is the role's for a target with a
	 * {@code role-arn}, else that of the default credential chain, the same for every
	 * such target. Not caught: a role in the default credentials' own account, which STS
	 * would tell only at run time.
	 */
	@Override
	public Optional<String> quotaScope(String name, KmsTargetSettings settings) {
		check(name, settings);
		String account = settings.roleArn() != null ? "account " + accountOf(settings.roleArn())
				: "the default credentials' account";
		Region region = region(settings);
		return Optional.of("aws " + account + " in " + (region != null ? region.id() : "the SDK's default Region"));
	}

	private static String accountOf(String roleArn) {
		java.util.regex.Matcher matcher = ROLE_ARN.matcher(roleArn);
		if (!matcher.matches()) {
			throw new IllegalStateException("not a role ARN: " + roleArn);
		}
		return matcher.group(1);
	}

	/** Closes every client and credentials provider built, newest first. */
	@Override
	public synchronized void close() {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			try {
				this.resources.get(i).close();
			}
			catch (Exception ex) {
				log.warn("Closing {} failed", this.resources.get(i), ex);
			}
		}
		this.resources.clear();
	}

	/**
	 * Refuses settings that cannot work on AWS, so a misconfiguration stops startup with
	 * the property named.
	 */
	private static void check(String name, KmsTargetSettings settings) {
		if (!PROVIDER.equals(settings.provider())) {
			throw new IllegalStateException(KmsTargetSettings.property(name, "provider") + " is '" + settings.provider()
					+ "', not " + PROVIDER);
		}
		refuse(name, "project-id", settings.projectId() != null, "is a Huawei setting");
		refuse(name, "access-key-file", settings.accessKeyFile() != null,
				"is a Huawei setting (AWS credentials come from the SDK's default chain, or a role-arn)");
		refuse(name, "secret-key-file", settings.secretKeyFile() != null,
				"is a Huawei setting (AWS credentials come from the SDK's default chain, or a role-arn)");
		refuse(name, "security-token-file", settings.securityTokenFile() != null,
				"is a Huawei setting (AWS credentials come from the SDK's default chain, or a role-arn)");
		refuse(name, "legacy-algorithms", settings.legacyAlgorithms(),
				"cannot be enabled: AWS offers no legacy wrapping algorithm (RSAES_PKCS1_V1_5 is refused since 2023)");
		if (settings.roleArn() != null && !ROLE_ARN.matcher(settings.roleArn()).matches()) {
			throw new IllegalStateException(KmsTargetSettings.property(name, "role-arn") + " '" + settings.roleArn()
					+ "' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)");
		}
		refuse(name, "external-id", settings.externalId() != null && settings.roleArn() == null,
				"is set without role-arn (an external id is given when assuming a role)");
		if (settings.externalId() != null && !EXTERNAL_ID.matcher(settings.externalId()).matches()) {
			throw new IllegalStateException(KmsTargetSettings.property(name, "external-id")
					+ " must be 2 to 1224 letters, digits or characters of +=,.@:/-");
		}
	}

	private static void refuse(String name, String property, boolean set, String why) {
		if (set) {
			throw new IllegalStateException(KmsTargetSettings.property(name, property) + " " + why + "; AWS target '"
					+ name + "' cannot use it");
		}
	}

	/** The target's region, else the shared one; null leaves it to the SDK's chain. */
	private Region region(KmsTargetSettings settings) {
		String region = hasText(settings.region()) ? settings.region() : this.properties.region();
		return hasText(region) ? Region.of(region) : null;
	}

	/**
	 * The target's endpoint; the shared one only for a target naming no region (the
	 * implicit one), since an endpoint belongs to one region.
	 */
	private URI endpoint(KmsTargetSettings settings) {
		if (settings.endpoint() != null) {
			return settings.endpoint();
		}
		return hasText(settings.region()) ? null : this.properties.endpoint();
	}

	private AwsCredentialsProvider credentials(String name, KmsTargetSettings settings, Region region) {
		if (settings.roleArn() == null) {
			return own(DefaultCredentialsProvider.builder().build());
		}
		StsClient stsClient = own(
				sts(region).credentialsProvider(own(DefaultCredentialsProvider.builder().build())).build());
		String sessionName = sessionName(name);
		StsAssumeRoleCredentialsProvider assumed = own(StsAssumeRoleCredentialsProvider.builder()
			.stsClient(stsClient)
			.refreshRequest(
					r -> r.roleArn(settings.roleArn()).roleSessionName(sessionName).externalId(settings.externalId()))
			// refreshed off the calling threads before they expire; a call blocks only
			// for credentials in their last minute
			.asyncCredentialUpdateEnabled(true)
			.build());
		return new AssumedRoleCredentials(name, settings.roleArn(), assumed);
	}

	/** {@code keyport-<target>}, in the characters and length STS allows. */
	static String sessionName(String target) {
		String name = NOT_IN_SESSION_NAME.matcher("keyport-" + target).replaceAll("-");
		return name.length() <= 64 ? name : name.substring(0, 64);
	}

	private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B builder, Region region) {
		builder.httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(this.properties.connectTimeout()))
			.overrideConfiguration(c -> timeouts(c).retryStrategy(b -> b.maxAttempts(this.properties.maxAttempts())));
		if (region != null) {
			builder.region(region);
		}
		return builder;
	}

	private synchronized <T extends AutoCloseable> T own(T resource) {
		this.resources.add(resource);
		return resource;
	}

	private static boolean hasText(String value) {
		return value != null && !value.isBlank();
	}

}
