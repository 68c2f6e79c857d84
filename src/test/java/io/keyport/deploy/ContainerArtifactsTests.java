package io.keyport.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static io.keyport.deploy.HelmChartTests.list;
import static io.keyport.deploy.HelmChartTests.loadYaml;
import static io.keyport.deploy.HelmChartTests.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Dockerfile and the Compose stack, read as files (no Docker engine needed): they
 * agree with each other and with the Helm chart on the user, the health-check script and
 * the hardening. Building and running the image is left to CI with a Docker engine.
 */
class ContainerArtifactsTests {

	static final Path DOCKERFILE = Path.of("Dockerfile");

	static final Path COMPOSE = Path.of("docker-compose.yml");

	static final Path HEALTHCHECK_SCRIPT = Path.of("docker", "healthcheck.sh");

	static final Path AOT_CACHE_SCRIPT = Path.of("docker", "aot-cache.sh");

	static final Path IMPORT_BENCHMARK = Path.of("scripts", "benchmark-import.sh");

	static final Path LOCALSTACK_HOOK = Path.of("docker", "localstack", "ready.d", "10-keyport-demo-key.sh");

	/**
	 * Found by review: the test client's generator reads openapi/, which the image's
	 * build context leaves out, so the image's package step failed. Every file of the
	 * project the build reads is in the context, or the image build skips its plugin.
	 */
	@Test
	void imageBuildReadsOnlyWhatItsContextHoldsOrSkipsThePluginThatWouldRead() throws IOException {
		String pom = Files.readString(Path.of("pom.xml"));
		List<String> allowed = Files.readAllLines(Path.of(".dockerignore"))
			.stream()
			.filter(line -> line.startsWith("!"))
			.map(line -> line.substring(1))
			.toList();
		String packageStep = Files.readString(DOCKERFILE)
			.lines()
			.filter(line -> line.contains("./mvnw") && line.contains(" package"))
			.findFirst()
			.orElseThrow();
		// the property that skips each plugin that reads project files outside src/main
		Map<String, String> skips = Map.of("openapi-generator-maven-plugin", "-Dcodegen.skip=true");
		Matcher reference = Pattern.compile("\\$\\{project\\.basedir}/([^<]+)").matcher(pom);
		int references = 0;
		while (reference.find()) {
			references++;
			String path = reference.group(1);
			if (allowed.stream().anyMatch(path::startsWith)) {
				continue;
			}
			int pluginStart = pom.lastIndexOf("<plugin>", reference.start());
			Matcher artifact = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(pom);
			assertThat(artifact.find(pluginStart)).isTrue();
			String plugin = artifact.group(1);
			assertThat(skips).as("%s reads %s, which the image's build context leaves out", plugin, path)
				.containsKey(plugin);
			assertThat(packageStep).as("the image build skips %s, which reads %s", plugin, path)
				.contains(skips.get(plugin));
		}
		assertThat(references).isPositive();
		assertThat(packageStep).contains("-Dmaven.test.skip=true");
	}

	@Test
	void imageRunsAsTheNumericUserTheChartExpects() throws IOException {
		String dockerfile = Files.readString(DOCKERFILE);
		Matcher user = Pattern.compile("(?m)^USER (\\d+):(\\d+)$").matcher(dockerfile);
		assertThat(user.find()).as("USER with numeric uid:gid").isTrue();
		Map<String, Object> podSecurity = map(
				loadYaml(HelmChartTests.CHART.resolve("values.yaml")).get("podSecurityContext"));
		assertThat(podSecurity.get("runAsUser")).isEqualTo(Integer.parseInt(user.group(1)));
		assertThat(podSecurity.get("runAsGroup")).isEqualTo(Integer.parseInt(user.group(2)));
		assertThat(dockerfile).contains("--uid " + user.group(1));
	}

	@Test
	void imageIsLayeredAsTheExtractedJar() throws IOException {
		String dockerfile = Files.readString(DOCKERFILE);
		// keyport.jar and lib/*.jar, no launcher: the AOT cache covers jars on the class
		// path only
		assertThat(dockerfile)
			.contains("-Djarmode=tools", "extract --layers --destination /workspace/extracted",
					"--application-filename keyport.jar")
			.doesNotContain("--launcher", "JarLauncher");
		// one COPY per layer, least often changed first
		assertThat(Pattern.compile("COPY --from=build /workspace/extracted/(\\S+)/")
			.matcher(dockerfile)
			.results()
			.map(m -> m.group(1))
			.toList()).containsExactly("dependencies", "spring-boot-loader", "snapshot-dependencies", "application");
		assertThat(dockerfile).contains("-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp", "EXPOSE 8080");
	}

	@Test
	void imageStartsWithTheAotCacheOfATrainingRunWithItsOwnFlags() throws IOException {
		String dockerfile = Files.readString(DOCKERFILE);
		assertThat(dockerfile)
			.contains("ENTRYPOINT [\"java\", \"-XX:AOTCache=/app/keyport.aot\", \"-jar\", \"/app/keyport.jar\"]");
		// the training run comes after the JVM flags (it runs with them) and the last
		// layer, in the runtime stage
		int training = dockerfile.indexOf("source=docker/aot-cache.sh");
		assertThat(training).as("training run with docker/aot-cache.sh").isPositive();
		assertThat(dockerfile.indexOf("ENV JAVA_TOOL_OPTIONS=")).isBetween(0, training);
		assertThat(dockerfile.indexOf("COPY --from=build /workspace/extracted/application/")).isBetween(0, training);
		assertThat(dockerfile.lastIndexOf("FROM ")).isLessThan(training);
		assertThat(Files.readString(AOT_CACHE_SCRIPT)).contains("-XX:AOTCacheOutput=\"$dir/keyport.aot\"",
				"-Dspring.context.exit=onRefresh", "SPRING_FLYWAY_ENABLED=false", "-jar \"$dir/keyport.jar\"");
		assertThat(Files.readAllLines(Path.of(".dockerignore"))).contains("!docker/aot-cache.sh");
		// the benchmark starts Keyport the same way, with a cache from the same script
		assertThat(Files.readString(IMPORT_BENCHMARK)).contains("sh docker/aot-cache.sh \"$app\"",
				"-XX:AOTCache=\"$app/keyport.aot\" -jar \"$app/keyport.jar\"");
	}

	@Test
	void imageChartAndImportBenchmarkUseTheSameJvmFlags() throws IOException {
		Matcher image = Pattern.compile("(?m)^ENV JAVA_TOOL_OPTIONS=\"([^\"]+)\"$")
			.matcher(Files.readString(DOCKERFILE));
		assertThat(image.find()).as("ENV JAVA_TOOL_OPTIONS").isTrue();
		String flags = image.group(1);
		// a pinned GC (the JVM's own choice depends on the machine), heap with room
		// beside it in 768Mi, the object headers the AOT cache was trained with
		assertThat(flags).contains("-XX:+UseSerialGC", "-XX:MaxRAMPercentage=50", "-XX:+UseCompactObjectHeaders")
			.doesNotContain("MaxRAMPercentage=75");
		// glibc gives back what the JIT compilers freed (docs/performance.md, stop 23)
		assertThat(flags).contains("-XX:TrimNativeHeapInterval=5000", "-XX:NewRatio=3");
		// the PKCS#11 custodian calls the JDK's own PKCS#11 binding (issue 15): in the
		// flags the AOT cache is trained with, so a pkcs11 custodian works in the image
		assertThat(flags).contains("--add-modules=jdk.crypto.cryptoki",
				"--add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED");
		Map<String, Object> jvm = map(loadYaml(HelmChartTests.CHART.resolve("values.yaml")).get("jvm"));
		assertThat(jvm).containsEntry("options", flags);
		Matcher benchmark = Pattern.compile("(?m)^keyport_java_opts=\"\\$\\{BENCH_KEYPORT_JAVA_OPTS:-([^}]+)}\"$")
			.matcher(Files.readString(IMPORT_BENCHMARK));
		assertThat(benchmark.find()).as("keyport_java_opts default").isTrue();
		// MaxRAM stands in for the chart's memory limit; the temporary directory is /tmp
		// anyway
		assertThat(benchmark.group(1)).isEqualTo("-XX:MaxRAM=768m " + flags.replace(" -Djava.io.tmpdir=/tmp", ""));
	}

	@Test
	void imageChartAndImportBenchmarkLimitMallocArenasAlike() throws IOException {
		assertThat(Files.readString(DOCKERFILE)).containsPattern("(?m)^ENV MALLOC_ARENA_MAX=2$");
		Map<String, Object> jvm = map(loadYaml(HelmChartTests.CHART.resolve("values.yaml")).get("jvm"));
		assertThat(jvm).containsEntry("mallocArenaMax", 2);
		assertThat(Files.readString(HelmChartTests.CHART.resolve("templates/configmap.yaml")))
			.contains("{{- with .Values.jvm.mallocArenaMax }}", "MALLOC_ARENA_MAX: {{ . | quote }}");
		assertThat(Files.readString(IMPORT_BENCHMARK)).contains("MALLOC_ARENA_MAX=\"${MALLOC_ARENA_MAX:-2}\"");
	}

	@Test
	void healthCheckScriptIsShippedAndUsedByImageAndChart() throws IOException {
		String dockerfile = Files.readString(DOCKERFILE);
		assertThat(dockerfile).contains("COPY --chmod=0555 docker/healthcheck.sh /usr/local/bin/keyport-healthcheck")
			.containsPattern("HEALTHCHECK .* CMD \\[\"keyport-healthcheck\"\\]");
		assertThat(Files.readString(HEALTHCHECK_SCRIPT)).startsWith("#!/bin/bash")
			.contains("/actuator/health/liveness");
		assertThat(Files.readString(HelmChartTests.CHART.resolve("templates/tests/test-readiness.yaml")))
			.contains("command: [\"keyport-healthcheck\"]");
		// the build context is an allow-list: the script must be on it
		assertThat(Files.readAllLines(Path.of(".dockerignore"))).contains("!docker/healthcheck.sh", "!src/main");
	}

	@Test
	void scriptsAreExecutable() throws IOException {
		for (Path script : List.of(HEALTHCHECK_SCRIPT, AOT_CACHE_SCRIPT, LOCALSTACK_HOOK, IMPORT_BENCHMARK)) {
			assertThat(Files.getPosixFilePermissions(script)).as(script.toString())
				.contains(PosixFilePermission.OWNER_EXECUTE);
		}
	}

	@Test
	void composeWiresKeyportToHealthyDependencies() {
		Map<String, Object> services = map(loadYaml(COMPOSE).get("services"));
		assertThat(services).containsKeys("postgres", "localstack", "keyport");
		Map<String, Object> keyport = map(services.get("keyport"));
		Map<String, Object> dependsOn = map(keyport.get("depends_on"));
		for (String dependency : List.of("postgres", "localstack")) {
			assertThat(map(dependsOn.get(dependency))).containsEntry("condition", "service_healthy");
			assertThat(map(services.get(dependency))).containsKey("healthcheck");
		}
		assertThat(map(keyport.get("environment")))
			.containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://postgres:5432/keyport")
			.containsEntry("AWS_REGION", "us-east-1")
			.containsEntry("AWS_ENDPOINT_URL_KMS", "http://localstack:4566");
		assertThat(map(map(services.get("localstack")).get("environment"))).containsEntry("SERVICES", "kms");
		assertThat(list(map(services.get("localstack")).get("volumes")))
			.anyMatch(v -> ((String) v).endsWith(":/etc/localstack/init/ready.d:ro"));
	}

	@Test
	void composeRunsKeyportReadOnlyWithoutCapabilities() {
		Map<String, Object> keyport = map(map(loadYaml(COMPOSE).get("services")).get("keyport"));
		assertThat(keyport).containsEntry("read_only", true);
		assertThat(list(keyport.get("tmpfs"))).anyMatch(t -> ((String) t).startsWith("/tmp"));
		assertThat(list(keyport.get("cap_drop"))).containsExactly("ALL");
		assertThat(list(keyport.get("security_opt"))).contains("no-new-privileges:true");
		assertThat(list(keyport.get("ports"))).containsExactly("127.0.0.1:8080:8080");
	}

	@Test
	void localStackHookCreatesTheDemoKeyIdempotently() throws IOException {
		assertThat(Files.readString(LOCALSTACK_HOOK)).contains("--origin EXTERNAL", "--description keyport-demo",
				"alias/keyport-demo", "describe-key");
	}

}
