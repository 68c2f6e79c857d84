package io.keyport.kms.huawei;

import java.net.URI;
import java.time.Clock;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import io.keyport.kms.KmsProvider;
import io.keyport.kms.KmsProviderFactory;
import io.keyport.kms.KmsRateLimitProperties;
import io.keyport.kms.KmsRateLimiter;
import io.keyport.kms.KmsTargetSettings;

/**
 * Builds the Huawei Cloud KMS adapter of a {@code provider: huawei} target: region and
 * project id required, credentials from the target's files or the
 * {@code HUAWEICLOUD_SDK_*} environment variables, the endpoint from the region unless
 * set. AWS-only settings are refused, so a misconfiguration stops startup with a message
 * naming the target and the property.
 */
@Component
public class HuaweiKmsProviderFactory implements KmsProviderFactory {

	public static final String PROVIDER = "huawei";

	/** Huawei's quota: 20 requests per second per user, for all operations together. */
	public static final double DEFAULT_REQUESTS_PER_SECOND = 20;

	private static final Pattern REGION = Pattern.compile("[a-z0-9-]+");

	private static final Pattern PROJECT_ID = Pattern.compile("[A-Za-z0-9_-]+");

	private final Function<String, String> env;

	private final Clock clock;

	private final HuaweiKmsClient.Settings clientSettings;

	private final HuaweiKmsProvider.Envelope envelope;

	@Autowired
	public HuaweiKmsProviderFactory(ObjectProvider<Clock> clock) {
		this(System::getenv, clock.getIfAvailable(Clock::systemUTC), HuaweiKmsClient.Settings.DEFAULTS,
				HuaweiKmsProvider.Envelope.HUAWEI);
	}

	/**
	 * @param env the environment ({@code System::getenv} outside tests)
	 * @param clock the time requests are signed with ({@code X-Sdk-Date})
	 */
	HuaweiKmsProviderFactory(Function<String, String> env, Clock clock, HuaweiKmsClient.Settings clientSettings,
			HuaweiKmsProvider.Envelope envelope) {
		this.env = env;
		this.clock = clock;
		this.clientSettings = clientSettings;
		this.envelope = envelope;
	}

	@Override
	public String provider() {
		return PROVIDER;
	}

	@Override
	public KmsProvider create(String name, KmsTargetSettings settings) {
		return createProvider(name, settings);
	}

	HuaweiKmsProvider createProvider(String name, KmsTargetSettings settings) {
		String prefix = KmsTargetSettings.property(name, "");
		if (!PROVIDER.equals(settings.provider())) {
			throw new IllegalStateException(
					"KMS target '" + name + "' has provider '" + settings.provider() + "', not " + PROVIDER);
		}
		refuse(name, prefix + "role-arn", settings.roleArn());
		refuse(name, prefix + "external-id", settings.externalId());
		if (settings.region() == null || !REGION.matcher(settings.region()).matches()) {
			throw new IllegalStateException("Huawei KMS target '" + name + "' needs " + prefix
					+ "region: the Huawei region, for example ap-southeast-1"
					+ (settings.region() != null ? " (not '" + settings.region() + "')" : ""));
		}
		if (settings.projectId() == null || !PROJECT_ID.matcher(settings.projectId()).matches()) {
			throw new IllegalStateException("Huawei KMS target '" + name + "' needs " + prefix
					+ "project-id: the id of the target's project in region " + settings.region());
		}
		URI endpoint = settings.endpoint() != null ? settings.endpoint() : defaultEndpoint(settings.region());
		if (endpoint.getHost() == null
				|| !("https".equalsIgnoreCase(endpoint.getScheme()) || "http".equalsIgnoreCase(endpoint.getScheme()))) {
			throw new IllegalStateException("Huawei KMS target '" + name + "': " + prefix + "endpoint must be an "
					+ "http(s) URL with a host, not '" + endpoint + "'");
		}
		HuaweiCredentials credentials = HuaweiCredentials.of(name, settings, this.env);
		HuaweiKmsClient client = new HuaweiKmsClient(name, endpoint, settings.projectId(), credentials,
				this.clientSettings, this.clock);
		return new HuaweiKmsProvider(client, settings.region(), settings.legacyAlgorithms(), this.clock, this.envelope);
	}

	/**
	 * One pace for all operations together at Huawei's quota; a target's
	 * {@code requests-per-second} replaces it.
	 */
	@Override
	public KmsRateLimiter defaultLimiter(KmsRateLimitProperties rateLimits) {
		return KmsRateLimiter.total(DEFAULT_REQUESTS_PER_SECOND, rateLimits.maxWait());
	}

	/**
	 * Huawei's public endpoint of the region ({@code eu-west-101}, Huawei Cloud Europe,
	 * is under {@code myhuaweicloud.eu}).
	 */
	static URI defaultEndpoint(String region) {
		String domain = "eu-west-101".equals(region) ? "myhuaweicloud.eu" : "myhuaweicloud.com";
		return URI.create("https://kms." + region + "." + domain);
	}

	private static void refuse(String name, String property, String value) {
		if (value != null && !value.isBlank()) {
			throw new IllegalStateException(property + " is an AWS setting: Huawei KMS target '" + name
					+ "' signs its requests with an access key and secret key; remove it");
		}
	}

}
