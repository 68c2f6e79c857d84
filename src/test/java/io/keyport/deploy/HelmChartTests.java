package io.keyport.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerProperties;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.unit.DataSize;

import io.keyport.importjob.ImportJobProperties;
import io.keyport.kms.KmsRateLimitProperties;
import io.keyport.kms.aws.AwsKmsProperties;
import io.keyport.security.SecurityProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Helm chart in {@code helm/keyport}: lint (strict) and render it with the bundled
 * native Helm (helm-java), once with the defaults and once with
 * {@code values-production.yaml}, and check the manifests a cluster would get. No cluster
 * is involved, so admission (Pod Security, CRDs) is not exercised here.
 */
class HelmChartTests {

	static final Path CHART = Path.of("helm", "keyport");

	static final Path PRODUCTION_VALUES = CHART.resolve("values-production.yaml");

	static final String RELEASE = "keyport";

	static final String NAMESPACE = "keyport";

	static final String ISSUER = "https://idp.example.com/realms/platform";

	/**
	 * The least a release needs: Keyport does not start without a token issuer, so
	 * neither does the chart render.
	 */
	static final UnaryOperator<TemplateCommand> MINIMAL = template -> template.set("oauth2.issuerUri", ISSUER);

	static final Path OPERATIONS_DOC = Path.of("docs", "operations.md");

	static final Path ALERT_RULES_FILE = Path.of("docs", "alerts", "keyport-rules.yaml");

	/**
	 * Values that hold Kubernetes objects or free-form maps: their keys are not declared
	 * in values.yaml.
	 */
	static final Set<String> FREE_FORM_VALUES = Set.of("resources", "podSecurityContext", "securityContext",
			"startupProbe", "livenessProbe", "readinessProbe", "updateStrategy", "autoscaling.behavior", "affinity");

	private static String helmUnavailable;

	@BeforeAll
	static void nativeHelmLoads() {
		try {
			Helm.version().call();
		}
		catch (LinkageError | RuntimeException ex) {
			helmUnavailable = ex.toString();
		}
		assumeTrue(helmUnavailable == null,
				() -> "the native Helm bundled with helm-java cannot run here, skipping the chart tests: "
						+ helmUnavailable);
	}

	@Test
	void lintsStrictWithDefaultValues() {
		// Helm's lint mode reports a missing required value (the issuer) as information,
		// not as an error
		assertLintClean(new Helm(CHART).lint().strict().call());
	}

	@Test
	void renderingFailsWithoutATokenIssuer() {
		assertThatIllegalStateException().isThrownBy(() -> render(UnaryOperator.identity()))
			.withMessageContaining("oauth2.issuerUri (or oauth2.jwkSetUri) is required");
	}

	@Test
	void lintsStrictWithProductionValues(@TempDir Path dir) throws IOException {
		// Helm's lint takes no values files: lint a copy whose values.yaml is the
		// defaults merged with production
		Path chart = copyChart(dir.resolve("keyport"));
		Map<String, Object> merged = merge(loadYaml(CHART.resolve("values.yaml")), loadYaml(PRODUCTION_VALUES));
		Files.writeString(chart.resolve("values.yaml"), dumpYaml(merged));
		assertLintClean(new Helm(chart).lint().strict().call());
	}

	@Test
	void productionValuesOnlyUseKeysTheChartKnows() {
		assertThat(unknownKeys("", loadYaml(PRODUCTION_VALUES), loadYaml(CHART.resolve("values.yaml"))))
			.as("keys in values-production.yaml missing from values.yaml (typos are silently ignored by Helm)")
			.isEmpty();
	}

	@Nested
	@TestInstance(Lifecycle.PER_CLASS)
	class DefaultValues {

		final Manifests manifests = render(MINIMAL);

		@Test
		void rendersOnlyTheCoreObjects() {
			assertThat(manifests.kinds()).containsExactlyInAnyOrder("ServiceAccount", "ConfigMap", "Service",
					"Deployment");
		}

		@Test
		void deploymentSetsItsOwnReplicas() {
			assertThat(manifests.deployment().get("spec")).extracting(s -> map(s).get("replicas")).isEqualTo(1);
			// the budget plan counts that many pods' budgets
			assertThat(manifests.configData()).containsEntry("KEYPORT_LIFECYCLE_INSTANCES", "1");
		}

		@Test
		void podRunsAsNonRootWithReadOnlyRootFilesystem() {
			assertHardened(manifests);
		}

		@Test
		void probesUseTheActuatorHealthGroups() {
			assertProbes(manifests);
		}

		@Test
		void resourcesAreSet() {
			Map<String, Object> resources = map(manifests.container().get("resources"));
			assertThat(map(resources.get("requests"))).containsKeys("cpu", "memory");
			assertThat(map(resources.get("limits"))).containsKey("memory");
			// the JVM sizes its heap from the limit and never returns memory: request
			// what it will use
			assertThat(map(resources.get("requests")).get("memory"))
				.isEqualTo(map(resources.get("limits")).get("memory"));
		}

		@Test
		void podsSpreadOverZonesAndNodes() {
			assertSpread(manifests);
		}

		@Test
		void databaseCredentialsComeFromTheExistingSecret() {
			assertDatabaseCredentialsFromSecret(manifests, "keyport-database");
			assertThat(manifests.configData()).containsEntry("SPRING_DATASOURCE_URL",
					"jdbc:postgresql://postgresql:5432/keyport");
		}

		@Test
		void noSecretsAreRendered() {
			assertNoInlineSecrets(manifests);
		}

		@Test
		void tmpIsAWritableEmptyDir() {
			assertTmpIsEmptyDir(manifests);
		}

		@Test
		void serviceTargetsTheContainerPort() {
			Map<String, Object> port = map(list(map(manifests.single("Service").get("spec")).get("ports")).get(0));
			assertThat(port).containsEntry("name", "http").containsEntry("targetPort", "http");
			assertThat(list(manifests.container().get("ports"))).extracting(p -> map(p).get("name")).contains("http");
			assertThat(manifests.configData()).containsEntry("SERVER_PORT", "8080");
		}

		@Test
		void issuerIsTheOnlySecuritySettingAndTheRestKeepsTheApplicationDefaults() {
			Map<String, Object> config = manifests.configData();
			assertThat(config).containsEntry("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI", ISSUER)
				.doesNotContainKeys("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI",
						"SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_AUDIENCES");
			assertThat(config.keySet())
				.noneMatch(key -> key.startsWith("KEYPORT_SECURITY_") || key.startsWith("KEYPORT_KMS_RATELIMITS_"));
		}

		@Test
		void serviceAccountHasNoRoleAndNoApiToken() {
			Map<String, Object> account = manifests.single("ServiceAccount");
			assertThat(map(account.get("metadata"))).doesNotContainKey("annotations");
			assertThat(account).containsEntry("automountServiceAccountToken", false);
		}

	}

	@Nested
	@TestInstance(Lifecycle.PER_CLASS)
	class ProductionValues {

		final Manifests manifests = render(template -> template.withValuesFile(PRODUCTION_VALUES));

		@Test
		void rendersTheOptionalObjects() {
			assertThat(manifests.kinds()).containsExactlyInAnyOrder("ServiceAccount", "ConfigMap", "Service",
					"Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "ServiceMonitor", "NetworkPolicy",
					"PrometheusRule");
		}

		@Test
		void tokensComeFromThePlatformIssuerForKeyportsAudience() {
			assertThat(manifests.configData())
				.containsEntry("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI", ISSUER)
				.containsEntry("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_AUDIENCES", "keyport");
		}

		@Test
		void kmsRateLimitsShareTheAccountQuotasOverTheMostReplicas() {
			Map<String, Object> config = manifests.configData();
			int maxReplicas = (Integer) map(manifests.single("HorizontalPodAutoscaler").get("spec")).get("maxReplicas");
			// AWS default quotas per account and region: GetParametersForImport 0.25/s,
			// ImportKeyMaterial 5/s
			assertThat(Double.parseDouble((String) config.get("KEYPORT_KMS_RATELIMITS_GETPARAMETERSFORIMPORT"))
					* maxReplicas)
				.isLessThanOrEqualTo(0.25);
			assertThat(
					Double.parseDouble((String) config.get("KEYPORT_KMS_RATELIMITS_IMPORTKEYMATERIAL")) * maxReplicas)
				.isLessThanOrEqualTo(5.0);
		}

		@Test
		void serviceMonitorScrapesWithAClientCredentialsTokenForTheOpsScope() {
			Map<String, Object> endpoint = map(
					list(map(manifests.single("ServiceMonitor").get("spec")).get("endpoints")).get(0));
			assertThat(endpoint).doesNotContainKeys("authorization", "bearerTokenSecret", "basicAuth");
			Map<String, Object> oauth2 = map(endpoint.get("oauth2"));
			assertThat(map(map(oauth2.get("clientId")).get("secret"))).containsEntry("name", "keyport-metrics-client")
				.containsEntry("key", "client-id");
			assertThat(map(oauth2.get("clientSecret"))).containsEntry("name", "keyport-metrics-client")
				.containsEntry("key", "client-secret");
			assertThat((String) oauth2.get("tokenUrl")).startsWith(ISSUER + "/");
			assertThat(list(oauth2.get("scopes"))).containsExactly("keyport:ops");
		}

		@Test
		void alertsCoverTheRunbookAndCarryTheRoutingLabels() throws IOException {
			Map<String, Object> rule = manifests.single("PrometheusRule");
			assertThat(map(map(rule.get("metadata")).get("labels"))).containsEntry("release", "kube-prometheus-stack");
			List<Map<String, Object>> rules = alertRules(map(rule.get("spec")));
			assertThat(rules).extracting(r -> r.get("alert"))
				.containsExactlyInAnyOrder("KeyportDown", "KeyportScrapeFailing", "KeyportNotReady",
						"KeyportDatabaseUnavailable", "KeyMaterialExpiringSoon", "KeyMaterialExpired", "ImportsFailing",
						"ParametersExpiredBacklog", "KmsThrottling", "LifecycleLagging");
			String operations = Files.readString(OPERATIONS_DOC);
			for (Map<String, Object> alert : rules) {
				assertThat(map(alert.get("labels"))).as("%s", alert.get("alert"))
					.containsKey("severity")
					.containsEntry("team", "platform");
				String runbook = (String) map(alert.get("annotations")).get("runbook");
				assertThat(runbook).as("%s", alert.get("alert")).startsWith("docs/operations.md#");
				assertThat(headingAnchors(operations)).as("runbook anchors in docs/operations.md")
					.contains(runbook.substring(runbook.indexOf('#') + 1));
			}
		}

		@Test
		void serviceAccountCarriesTheIrsaRole() {
			Map<String, Object> metadata = map(manifests.single("ServiceAccount").get("metadata"));
			Map<String, Object> annotations = map(metadata.get("annotations"));
			assertThat(annotations).containsKey("eks.amazonaws.com/role-arn");
			assertThat((String) annotations.get("eks.amazonaws.com/role-arn")).startsWith("arn:aws:iam::");
			assertThat(manifests.podSpec()).containsEntry("serviceAccountName", metadata.get("name"));
		}

		@Test
		void autoscalerOwnsTheReplicas() {
			Map<String, Object> hpa = map(manifests.single("HorizontalPodAutoscaler").get("spec"));
			assertThat(hpa).containsEntry("minReplicas", 3).containsEntry("maxReplicas", 10);
			assertThat(map(hpa.get("scaleTargetRef"))).containsEntry("kind", "Deployment")
				.containsEntry("name", manifests.deploymentName());
			assertThat(map(manifests.deployment().get("spec"))).doesNotContainKey("replicas");
			// the budget plan counts the pods the autoscaler always keeps
			assertThat(manifests.configData()).containsEntry("KEYPORT_LIFECYCLE_INSTANCES", "3");
		}

		@Test
		void disruptionBudgetKeepsTwoPods() {
			Map<String, Object> pdb = map(manifests.single("PodDisruptionBudget").get("spec"));
			assertThat(pdb).containsEntry("minAvailable", 2);
			assertThat(map(map(pdb.get("selector")).get("matchLabels"))).isEqualTo(manifests.selectorLabels());
		}

		@Test
		void serviceMonitorScrapesThePrometheusEndpoint() {
			Map<String, Object> monitor = manifests.single("ServiceMonitor");
			assertThat(monitor).containsEntry("apiVersion", "monitoring.coreos.com/v1");
			Map<String, Object> spec = map(monitor.get("spec"));
			Map<String, Object> endpoint = map(list(spec.get("endpoints")).get(0));
			assertThat(endpoint).containsEntry("port", "http").containsEntry("path", "/actuator/prometheus");
			// the ServiceMonitor selects the Service by labels the Service carries
			assertThat(map(map(manifests.single("Service").get("metadata")).get("labels")))
				.containsAllEntriesOf(map(map(spec.get("selector")).get("matchLabels")));
		}

		@Test
		void networkPolicyRestrictsBothDirections() {
			Map<String, Object> spec = map(manifests.single("NetworkPolicy").get("spec"));
			assertThat(list(spec.get("policyTypes"))).containsExactlyInAnyOrder("Ingress", "Egress");
			assertThat(map(map(spec.get("podSelector")).get("matchLabels"))).isEqualTo(manifests.selectorLabels());
			List<Object> egressPorts = list(spec.get("egress")).stream()
				.flatMap(rule -> list(map(rule).get("ports")).stream())
				.map(port -> map(port).get("port"))
				.toList();
			assertThat(egressPorts).contains(53, 5432, 443);
		}

		@Test
		void podRunsAsNonRootWithReadOnlyRootFilesystem() {
			assertHardened(manifests);
		}

		@Test
		void probesUseTheActuatorHealthGroups() {
			assertProbes(manifests);
		}

		@Test
		void resourcesAreSet() {
			Map<String, Object> resources = map(manifests.container().get("resources"));
			assertThat(map(resources.get("requests"))).containsEntry("memory", "1Gi").containsKey("cpu");
			assertThat(map(resources.get("limits"))).containsEntry("memory", "1Gi").containsKey("cpu");
		}

		@Test
		void podsSpreadOverZonesAndNodes() {
			assertSpread(manifests);
		}

		@Test
		void databaseCredentialsComeFromTheExistingSecret() {
			assertDatabaseCredentialsFromSecret(manifests, "keyport-database");
		}

		@Test
		void noSecretsAreRendered() {
			assertNoInlineSecrets(manifests);
		}

		@Test
		void tmpIsAWritableEmptyDir() {
			assertTmpIsEmptyDir(manifests);
		}

		@Test
		void kmsRegionIsConfigured() {
			assertThat(manifests.configData()).containsEntry("KEYPORT_KMS_AWS_REGION", "eu-central-1");
		}

	}

	@Nested
	class Overrides {

		@Test
		void configChangeRollsThePods() {
			String before = checksum(render(MINIMAL));
			String after = checksum(
					render(template -> MINIMAL.apply(template).set("config.LOGGING_LEVEL_IO_KEYPORT", "DEBUG")));
			assertThat(before).isNotBlank();
			assertThat(after).isNotEqualTo(before);
		}

		@Test
		void databaseUrlCanComeFromTheSecret() {
			Manifests manifests = render(template -> MINIMAL.apply(template)
				.set("database.existingSecret", "db")
				.set("database.urlKey", "jdbc-url"));
			assertThat(manifests.configData()).doesNotContainKey("SPRING_DATASOURCE_URL");
			assertThat(secretRef(manifests, "SPRING_DATASOURCE_URL")).containsEntry("name", "db")
				.containsEntry("key", "jdbc-url");
			assertDatabaseCredentialsFromSecret(manifests, "db");
		}

		@Test
		void digestWinsOverTag() {
			Manifests manifests = render(template -> MINIMAL.apply(template)
				.set("image.repository", "registry.example.com/keyport")
				.set("image.tag", "1.2.3")
				.set("image.digest", "sha256:" + "a".repeat(64)));
			assertThat(manifests.container()).containsEntry("image",
					"registry.example.com/keyport@sha256:" + "a".repeat(64));
		}

		@Test
		void schemaRejectsUnknownKeysAndWrongTypes() {
			assertThatIllegalStateException()
				.isThrownBy(() -> render(template -> MINIMAL.apply(template).set("replicas", 3)))
				.withMessageContaining("replicas");
			assertThatIllegalStateException().isThrownBy(
					() -> render(template -> MINIMAL.apply(template).set("database.url", "postgres://db:5432/keyport")))
				.withMessageContaining("database.url");
			assertThatIllegalStateException()
				.isThrownBy(() -> render(template -> template.set("oauth2.issuerUri", "idp.example.com")))
				.withMessageContaining("oauth2.issuerUri");
		}

		@Test
		void aJwkSetUriAloneIsEnough() {
			Manifests manifests = render(
					template -> template.set("oauth2.jwkSetUri", ISSUER + "/protocol/openid-connect/certs"));
			assertThat(manifests.configData())
				.containsEntry("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI",
						ISSUER + "/protocol/openid-connect/certs")
				.doesNotContainKey("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI");
		}

		@Test
		void settingsBindToKeyportsOwnConfigurationProperties() {
			Manifests manifests = render(template -> MINIMAL.apply(template)
				.set("oauth2.jwkSetUri", ISSUER + "/certs")
				.set("oauth2.audiences[0]", "keyport")
				.set("oauth2.audiences[1]", "keyport-internal")
				.set("security.tenantClaim", "org_id")
				.set("security.maxRequestBody", "32KB")
				.set("security.requestsPerSecond", 0)
				.set("security.burst", 15)
				.set("kmsRateLimits.getParametersForImport", "0.05")
				.set("kmsRateLimits.importKeyMaterial", "1")
				.set("kmsRateLimits.describeKey", "25")
				.set("kmsRateLimits.other", "0.5")
				.set("kmsRateLimits.maxWait", "3s")
				.set("importJobs.maxImportAttempts", 5)
				.set("importJobs.retryInitialDelay", "1m")
				.set("aws.apiCallTimeout", "20s"));
			// the ConfigMap becomes the container's environment: bind it as Spring Boot
			// binds environment variables
			Binder binder = environmentBinder(manifests.configData());

			OAuth2ResourceServerProperties.Jwt jwt = binder
				.bind("spring.security.oauth2.resourceserver", OAuth2ResourceServerProperties.class)
				.get()
				.getJwt();
			assertThat(jwt.getIssuerUri()).isEqualTo(ISSUER);
			assertThat(jwt.getJwkSetUri()).isEqualTo(ISSUER + "/certs");
			assertThat(jwt.getAudiences()).containsExactly("keyport", "keyport-internal");
			SecurityProperties security = binder.bindOrCreate("keyport.security", SecurityProperties.class);
			assertThat(security.tenantClaim()).isEqualTo("org_id");
			assertThat(security.maxRequestBody()).isEqualTo(DataSize.ofKilobytes(32));
			assertThat(security.requestsPerSecond()).isZero();
			assertThat(security.burst()).isEqualTo(15);
			KmsRateLimitProperties rates = binder.bindOrCreate("keyport.kms.rate-limits", KmsRateLimitProperties.class);
			assertThat(rates.getParametersForImport()).isEqualTo(0.05);
			assertThat(rates.importKeyMaterial()).isEqualTo(1.0);
			assertThat(rates.describeKey()).isEqualTo(25.0);
			assertThat(rates.other()).isEqualTo(0.5);
			assertThat(rates.maxWait()).isEqualTo(Duration.ofSeconds(3));
			ImportJobProperties jobs = binder.bindOrCreate("keyport.import-jobs", ImportJobProperties.class);
			assertThat(jobs.maxImportAttempts()).isEqualTo(5);
			assertThat(jobs.retryInitialDelay()).isEqualTo(Duration.ofMinutes(1));
			assertThat(binder.bindOrCreate("keyport.kms.aws", AwsKmsProperties.class).apiCallTimeout())
				.isEqualTo(Duration.ofSeconds(20));
		}

		@Test
		void serviceMonitorWithoutScrapeCredentialsDoesNotRender() {
			assertThatIllegalStateException()
				.isThrownBy(() -> render(template -> MINIMAL.apply(template).set("serviceMonitor.enabled", true)))
				.withMessageContaining("serviceMonitor.auth.secretName is required");
			assertThatIllegalStateException()
				.isThrownBy(() -> render(template -> MINIMAL.apply(template)
					.set("serviceMonitor.enabled", true)
					.set("serviceMonitor.auth.secretName", "keyport-metrics-client")))
				.withMessageContaining("serviceMonitor.auth.tokenUrl is required");
		}

		@Test
		void serviceMonitorCanSendAFixedBearerToken() {
			Manifests manifests = render(template -> MINIMAL.apply(template)
				.set("serviceMonitor.enabled", true)
				.set("serviceMonitor.auth.type", "bearer")
				.set("serviceMonitor.auth.secretName", "keyport-metrics-token"));
			Map<String, Object> endpoint = map(
					list(map(manifests.single("ServiceMonitor").get("spec")).get("endpoints")).get(0));
			assertThat(endpoint).doesNotContainKey("oauth2");
			Map<String, Object> authorization = map(endpoint.get("authorization"));
			assertThat(authorization).containsEntry("type", "Bearer");
			assertThat(map(authorization.get("credentials"))).containsEntry("name", "keyport-metrics-token")
				.containsEntry("key", "token");
		}

		@Test
		void alertRulesSelectThisReleasesMetrics() {
			Manifests manifests = render(template -> MINIMAL.apply(template)
				.set("fullnameOverride", "kp")
				.set("prometheusRule.enabled", true)
				.set("prometheusRule.lifecycleLagThresholdSeconds", 900)
				.set("prometheusRule.kmsThrottlingFor", "30m"));
			List<Map<String, Object>> rules = alertRules(map(manifests.single("PrometheusRule").get("spec")));
			for (Map<String, Object> rule : rules) {
				String expr = (String) rule.get("expr");
				// the job label of a ServiceMonitor's targets is the Service's name
				assertThat(expr).as("%s", rule.get("alert"))
					.containsAnyOf("job=\"kp\"", "deployment=\"kp\"")
					.contains("namespace=\"" + NAMESPACE + "\"");
			}
			assertThat(rules).filteredOn(r -> "LifecycleLagging".equals(r.get("alert")))
				.singleElement()
				.satisfies(r -> assertThat((String) r.get("expr")).endsWith("> 900"));
			assertThat(rules).filteredOn(r -> "KmsThrottling".equals(r.get("alert")))
				.singleElement()
				.satisfies(r -> assertThat(r.get("for")).isEqualTo("30m"));
		}

		@Test
		void alertRulesFileIsTheChartsRulesAndNamesOnlyDocumentedMetrics() throws IOException {
			Manifests manifests = render(template -> MINIMAL.apply(template).set("prometheusRule.enabled", true));
			Map<String, Object> spec = map(manifests.single("PrometheusRule").get("spec"));
			// regenerate after changing the template: the spec of this rendering, release
			// keyport in namespace keyport
			assertThat(loadYaml(ALERT_RULES_FILE)).as("docs/alerts/keyport-rules.yaml").isEqualTo(spec);
			String operations = Files.readString(OPERATIONS_DOC);
			for (Map<String, Object> rule : alertRules(spec)) {
				java.util.regex.Matcher metric = java.util.regex.Pattern.compile("(keyport|hikaricp)_[a-z_]+")
					.matcher((String) rule.get("expr"));
				while (metric.find()) {
					assertThat(operations).as("%s uses %s", rule.get("alert"), metric.group())
						.contains("`" + metric.group());
				}
			}
		}

		private String checksum(Manifests manifests) {
			Map<String, Object> template = map(map(manifests.deployment().get("spec")).get("template"));
			return (String) map(map(template.get("metadata")).get("annotations")).get("checksum/config");
		}

	}

	// shared assertions

	static List<Map<String, Object>> alertRules(Map<String, Object> prometheusRuleSpec) {
		return list(prometheusRuleSpec.get("groups")).stream()
			.flatMap(group -> list(map(group).get("rules")).stream())
			.map(HelmChartTests::map)
			.toList();
	}

	/**
	 * GitHub's anchors of a Markdown file's headings: lower case, punctuation dropped,
	 * spaces as hyphens.
	 */
	static List<String> headingAnchors(String markdown) {
		return markdown.lines()
			.filter(line -> line.startsWith("#"))
			.map(line -> line.replaceFirst("^#+\\s*", "")
				.toLowerCase(java.util.Locale.ROOT)
				.replaceAll("[^a-z0-9 _-]", "")
				.replace(' ', '-'))
			.toList();
	}

	/**
	 * Spring Boot's binding of environment variables (relaxed names), applied to the
	 * given variables.
	 */
	static Binder environmentBinder(Map<String, Object> variables) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource("chart-systemEnvironment", new LinkedHashMap<>(variables)));
		return Binder.get(environment);
	}

	static void assertLintClean(LintResult result) {
		assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
		assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
	}

	static void assertHardened(Manifests manifests) {
		Map<String, Object> pod = manifests.podSpec();
		Map<String, Object> podSecurity = map(pod.get("securityContext"));
		assertThat(podSecurity).containsEntry("runAsNonRoot", true);
		assertThat((Integer) podSecurity.get("runAsUser")).isPositive();
		assertThat(map(podSecurity.get("seccompProfile"))).containsEntry("type", "RuntimeDefault");
		assertThat(pod).containsEntry("automountServiceAccountToken", false).containsEntry("enableServiceLinks", false);

		Map<String, Object> security = map(manifests.container().get("securityContext"));
		assertThat(security).containsEntry("runAsNonRoot", true)
			.containsEntry("readOnlyRootFilesystem", true)
			.containsEntry("allowPrivilegeEscalation", false);
		assertThat(list(map(security.get("capabilities")).get("drop"))).containsExactly("ALL");
		assertThat(map(security.get("capabilities"))).doesNotContainKey("add");
		assertThat(security).doesNotContainKey("privileged");
	}

	static void assertProbes(Manifests manifests) {
		Map<String, Object> container = manifests.container();
		assertThat(probePath(container, "livenessProbe")).isEqualTo("/actuator/health/liveness");
		assertThat(probePath(container, "readinessProbe")).isEqualTo("/actuator/health/readiness");
		assertThat(probePath(container, "startupProbe")).isEqualTo("/actuator/health/liveness");
		for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
			assertThat(map(map(container.get(probe)).get("httpGet"))).containsEntry("port", "http");
		}
	}

	static void assertSpread(Manifests manifests) {
		List<Object> constraints = list(manifests.podSpec().get("topologySpreadConstraints"));
		assertThat(constraints).extracting(c -> map(c).get("topologyKey"))
			.containsExactlyInAnyOrder("topology.kubernetes.io/zone", "kubernetes.io/hostname");
		Map<String, Object> podTemplate = map(map(manifests.deployment().get("spec")).get("template"));
		Map<String, Object> podLabels = map(map(podTemplate.get("metadata")).get("labels"));
		for (Object constraint : constraints) {
			// a selector that matches no pod spreads nothing
			Map<String, Object> selector = map(map(constraint).get("labelSelector"));
			assertThat(podLabels).containsAllEntriesOf(map(selector.get("matchLabels")));
		}
	}

	static void assertDatabaseCredentialsFromSecret(Manifests manifests, String secretName) {
		assertThat(secretRef(manifests, "SPRING_DATASOURCE_USERNAME")).containsEntry("name", secretName)
			.containsEntry("key", "username");
		assertThat(secretRef(manifests, "SPRING_DATASOURCE_PASSWORD")).containsEntry("name", secretName)
			.containsEntry("key", "password");
	}

	static void assertNoInlineSecrets(Manifests manifests) {
		assertThat(manifests.kinds()).doesNotContain("Secret");
		List<String> sensitive = List.of("PASSWORD", "SECRET", "TOKEN", "ACCESS_KEY", "CREDENTIAL");
		for (Object env : list(manifests.container().get("env"))) {
			Map<String, Object> variable = map(env);
			String name = (String) variable.get("name");
			if (sensitive.stream().anyMatch(name::contains)) {
				assertThat(variable).as("env %s must come from a secretKeyRef", name)
					.doesNotContainKey("value")
					.containsKey("valueFrom");
			}
		}
		assertThat(manifests.configData().keySet()).noneMatch(key -> sensitive.stream().anyMatch(key::contains));
	}

	static void assertTmpIsEmptyDir(Manifests manifests) {
		Map<String, Object> mount = list(manifests.container().get("volumeMounts")).stream()
			.map(HelmChartTests::map)
			.filter(m -> "/tmp".equals(m.get("mountPath")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no volume mounted at /tmp"));
		Map<String, Object> volume = list(manifests.podSpec().get("volumes")).stream()
			.map(HelmChartTests::map)
			.filter(v -> Objects.equals(v.get("name"), mount.get("name")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no volume named " + mount.get("name")));
		assertThat(volume).containsKey("emptyDir");
		assertThat(volume.get("emptyDir")).isNotNull();
		assertThat((String) manifests.configData().get("JAVA_TOOL_OPTIONS")).contains("-Djava.io.tmpdir=/tmp");
		// the image's malloc arena limit, rendered from jvm.mallocArenaMax
		assertThat(manifests.configData()).containsEntry("MALLOC_ARENA_MAX", "2");
	}

	static String probePath(Map<String, Object> container, String probe) {
		return (String) map(map(container.get(probe)).get("httpGet")).get("path");
	}

	static Map<String, Object> secretRef(Manifests manifests, String variable) {
		Map<String, Object> env = list(manifests.container().get("env")).stream()
			.map(HelmChartTests::map)
			.filter(e -> variable.equals(e.get("name")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no env " + variable));
		assertThat(env).doesNotContainKey("value");
		return map(map(env.get("valueFrom")).get("secretKeyRef"));
	}

	// rendering and YAML plumbing

	static Manifests render(UnaryOperator<TemplateCommand> options) {
		TemplateCommand template = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE);
		String rendered = options.apply(template).call();
		List<Map<String, Object>> documents = new ArrayList<>();
		for (Object document : yaml().loadAll(rendered)) {
			if (document != null) {
				documents.add(map(document));
			}
		}
		return new Manifests(documents);
	}

	record Manifests(List<Map<String, Object>> documents) {

		List<String> kinds() {
			return this.documents.stream().map(d -> (String) d.get("kind")).toList();
		}

		Map<String, Object> single(String kind) {
			List<Map<String, Object>> found = this.documents.stream().filter(d -> kind.equals(d.get("kind"))).toList();
			assertThat(found).as("rendered %s objects", kind).hasSize(1);
			return found.get(0);
		}

		Map<String, Object> deployment() {
			return single("Deployment");
		}

		String deploymentName() {
			return (String) map(deployment().get("metadata")).get("name");
		}

		Map<String, Object> selectorLabels() {
			return map(map(map(deployment().get("spec")).get("selector")).get("matchLabels"));
		}

		Map<String, Object> podSpec() {
			return map(map(map(deployment().get("spec")).get("template")).get("spec"));
		}

		Map<String, Object> container() {
			List<Object> containers = list(podSpec().get("containers"));
			assertThat(containers).hasSize(1);
			return map(containers.get(0));
		}

		Map<String, Object> configData() {
			return map(single("ConfigMap").get("data"));
		}

	}

	static Yaml yaml() {
		DumperOptions dump = new DumperOptions();
		dump.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
		return new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(dump), dump);
	}

	static Map<String, Object> loadYaml(Path file) {
		try {
			return map(yaml().load(Files.readString(file)));
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot read " + file, ex);
		}
	}

	static String dumpYaml(Map<String, Object> values) {
		return yaml().dump(values);
	}

	/**
	 * Helm's coalescing for plain values: maps merge key by key, anything else in the
	 * override replaces.
	 */
	static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> override) {
		Map<String, Object> merged = new LinkedHashMap<>(base);
		override.forEach((key, value) -> {
			if (value instanceof Map<?, ?> && merged.get(key) instanceof Map<?, ?>) {
				merged.put(key, merge(map(merged.get(key)), map(value)));
			}
			else {
				merged.put(key, value);
			}
		});
		return merged;
	}

	static List<String> unknownKeys(String prefix, Map<String, Object> values, Map<String, Object> defaults) {
		List<String> unknown = new ArrayList<>();
		values.forEach((key, value) -> {
			if (!defaults.containsKey(key)) {
				unknown.add(prefix + key);
			}
			else if (value instanceof Map<?, ?> && defaults.get(key) instanceof Map<?, ?> nested && !nested.isEmpty()
					&& !FREE_FORM_VALUES.contains(prefix + key)) {
				unknown.addAll(unknownKeys(prefix + key + ".", map(value), map(nested)));
			}
		});
		return unknown;
	}

	static Path copyChart(Path target) throws IOException {
		try (Stream<Path> files = Files.walk(CHART)) {
			for (Path source : files.toList()) {
				Path destination = target.resolve(CHART.relativize(source).toString());
				if (Files.isDirectory(source)) {
					Files.createDirectories(destination);
				}
				else {
					Files.copy(source, destination);
				}
			}
		}
		return target;
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> map(Object value) {
		assertThat(value).isInstanceOf(Map.class);
		return (Map<String, Object>) value;
	}

	@SuppressWarnings("unchecked")
	static List<Object> list(Object value) {
		assertThat(value).isInstanceOf(List.class);
		return (List<Object>) value;
	}

}
