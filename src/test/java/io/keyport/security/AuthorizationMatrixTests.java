package io.keyport.security;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.TestInfrastructure;
import io.keyport.testsupport.Tokens;
import io.keyportdev.localauth.LocalAuthorizationServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every endpoint against every kind of caller: no token (401), a token without the
 * endpoint's scope (403), the right scope in another tenant (404 for the other tenant's
 * resources, so existence does not leak), the right scope in the owning tenant (the
 * operation happens), and an administrator (reads everything, changes nothing without the
 * scope). Tokens come from the local authorization server with client credentials;
 * security is never switched off.
 */
class AuthorizationMatrixTests extends IntegrationTest {

	@org.springframework.beans.factory.annotation.Autowired
	org.springframework.security.oauth2.jwt.JwtDecoder jwtDecoder;

	@Test
	void theIssuersDecoderRemembersTheTokensItVerified() {
		// Spring Boot's decoder for the issuer, wrapped
		// (keyport.security.verified-token-ttl)
		assertThat(this.jwtDecoder).isInstanceOf(VerifiedTokens.class);
	}

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	/** What one endpoint needs, how to call it, and what the owning tenant gets. */
	record Endpoint(String name, String scope, boolean jobScoped, int ownStatus, Function<Fixture, Call> call) {

		@Override
		public String toString() {
			return this.name;
		}

	}

	/** A request ready to be sent by some client. */
	interface Call {

		Response send(ApiClient client);

	}

	/** Resources owned by tenant A, fresh for each endpoint. */
	record Fixture(String keyId, String jobId) {
	}

	static final String MATERIAL = "{\"keyMaterial\":\"" + Base64.getEncoder().encodeToString(new byte[32]) + "\"}";

	static Stream<Endpoint> endpoints() {
		return Stream.of(
				new Endpoint("POST /kms-keys", Scopes.KEYS, false, 201,
						f -> c -> c.postJson("/api/v1/kms-keys", "{\"keySpec\":\"SYMMETRIC_DEFAULT\"}")),
				new Endpoint("GET /kms-keys/{keyId}", Scopes.READ, true, 200,
						f -> c -> c.get("/api/v1/kms-keys/" + f.keyId())),
				// the fixture's key is symmetric: the owner passes authorization and
				// meets the domain's refusal
				new Endpoint("GET /kms-keys/{keyId}/public-key", Scopes.READ, true, 422,
						f -> c -> c.get("/api/v1/kms-keys/" + f.keyId() + "/public-key")),
				new Endpoint("PUT /kms-keys/{keyId}/owner", Scopes.ADMIN, false, 200,
						f -> c -> c.putJson("/api/v1/kms-keys/" + f.keyId() + "/owner", "{\"tenant\":\"tenant-a\"}")),
				new Endpoint("GET /wrapping-options", Scopes.READ, false, 200,
						f -> c -> c.get("/api/v1/wrapping-options?keySpec=SYMMETRIC_DEFAULT")),
				new Endpoint("POST /import-jobs", Scopes.IMPORT, true, 201,
						f -> c -> c.postJson("/api/v1/import-jobs", "{\"kmsKeyId\":\"" + f.keyId() + "\"}")),
				new Endpoint("GET /import-jobs/{id}", Scopes.READ, true, 200,
						f -> c -> c.get("/api/v1/import-jobs/" + f.jobId())),
				new Endpoint("GET /import-jobs/{id}/events", Scopes.READ, true, 200,
						f -> c -> c.get("/api/v1/import-jobs/" + f.jobId() + "/events")),
				new Endpoint("GET /import-jobs/{id}/wrapping-key", Scopes.IMPORT, true, 200,
						f -> c -> c.get("/api/v1/import-jobs/" + f.jobId() + "/wrapping-key",
								"application/octet-stream")),
				new Endpoint("GET /import-jobs/{id}/import-parameters.zip", Scopes.IMPORT, true, 200,
						f -> c -> c.get("/api/v1/import-jobs/" + f.jobId() + "/import-parameters.zip",
								"application/zip")),
				new Endpoint("PUT /import-jobs/{id}/encrypted-key-material", Scopes.IMPORT, true, 422,
						f -> c -> c.putBytes("/api/v1/import-jobs/" + f.jobId() + "/encrypted-key-material",
								new byte[100])),
				new Endpoint("POST /import-jobs/{id}/key-material", Scopes.IMPORT, true, 200,
						f -> c -> c.postJson("/api/v1/import-jobs/" + f.jobId() + "/key-material", MATERIAL)),
				new Endpoint("POST /import-jobs/{id}/refresh-parameters", Scopes.IMPORT, true, 200,
						f -> c -> c.post("/api/v1/import-jobs/" + f.jobId() + "/refresh-parameters")),
				new Endpoint("POST /import-jobs/{id}/cancel", Scopes.IMPORT, true, 200,
						f -> c -> c.post("/api/v1/import-jobs/" + f.jobId() + "/cancel")),
				new Endpoint("GET /import-jobs", Scopes.READ, false, 200, f -> c -> c.get("/api/v1/import-jobs")),
				new Endpoint("GET /expiring-keys", Scopes.READ, false, 200, f -> c -> c.get("/api/v1/expiring-keys")),
				new Endpoint("GET /audit-events", Scopes.ADMIN, false, 200, f -> c -> c.get("/api/v1/audit-events")),
				new Endpoint("GET /actuator/metrics", Scopes.OPS, false, 200, f -> c -> c.get("/actuator/metrics")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("endpoints")
	void everyCallerGetsExactlyWhatItsTokenAllows(Endpoint endpoint) {
		ApiClient anonymous = new ApiClient(this.port, null);
		ApiClient tenantA = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.PLATFORM_A));
		ApiClient tenantB = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.PLATFORM_B));
		ApiClient admin = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.OPERATOR));

		Fixture fixture = fixture(tenantA);
		Call call = endpoint.call().apply(fixture);

		// no token
		assertProblem(call.send(anonymous), 401, "unauthorized");

		// a valid token without the endpoint's scope
		ApiClient wrongScope = new ApiClient(this.port, wrongScopeToken(endpoint.scope()));
		assertProblem(call.send(wrongScope), 403, "insufficient-scope");

		// the right scope, another tenant: the resource does not exist for it, and
		// nothing changes
		if (endpoint.jobScoped() && !endpoint.scope().equals(Scopes.ADMIN) && !endpoint.scope().equals(Scopes.OPS)) {
			String before = tenantA.get("/api/v1/import-jobs/" + fixture.jobId()).text();
			Response other = call.send(tenantB);
			assertThat(other.status()).as(endpoint + " as tenant B: " + other).isEqualTo(404);
			assertThat(other.json().get("code").asString()).isIn("import-job-not-found", "kms-key-not-found");
			assertThat(tenantA.get("/api/v1/import-jobs/" + fixture.jobId()).text()).isEqualTo(before);
		}
		if (endpoint.name().equals("GET /import-jobs")) {
			assertThat(call.send(tenantB).text()).doesNotContain(fixture.jobId());
		}

		// an administrator reads across tenants but changes nothing without the
		// operation's scope
		Response asAdmin = call.send(admin);
		if (endpoint.scope().equals(Scopes.READ) || endpoint.scope().equals(Scopes.ADMIN)
				|| endpoint.scope().equals(Scopes.OPS)) {
			assertThat(asAdmin.status()).as(endpoint + " as admin: " + asAdmin)
				.isEqualTo(endpoint.scope().equals(Scopes.READ) ? endpoint.ownStatus() : 200);
		}
		else {
			assertProblem(asAdmin, 403, "insufficient-scope");
		}
		if (endpoint.name().equals("GET /import-jobs")) {
			assertThat(asAdmin.text()).contains(fixture.jobId());
		}

		// the owning tenant with the right scope
		ApiClient own = endpoint.scope().equals(Scopes.ADMIN) || endpoint.scope().equals(Scopes.OPS) ? admin : tenantA;
		Response owned = call.send(own);
		assertThat(owned.status()).as(endpoint + " as owner: " + owned).isEqualTo(endpoint.ownStatus());
	}

	@Test
	void healthProbesAreOpenAndShowStatusOnly() {
		ApiClient anonymous = new ApiClient(this.port, null);
		for (String probe : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness")) {
			Response response = anonymous.get(probe);
			assertThat(response.status()).as(probe).isEqualTo(200);
			assertThat(response.json().get("status").asString()).isEqualTo("UP");
			assertThat(response.json().has("components")).isFalse();
		}
	}

	@Test
	void aMethodOrPathNoRouteServesIs405Or404NotAMissingScope() {
		// found by review: the chain's final denyAll answered them 403
		// insufficient-scope,
		// which sent callers looking for a scope that does not exist
		ApiClient platform = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.PLATFORM_A));
		String job = "/api/v1/import-jobs/" + java.util.UUID.randomUUID();
		Response delete = platform.exchange("DELETE", job, Map.of(), new byte[0]);
		assertProblem(delete, 405, "method-not-allowed");
		assertThat(delete.headers().firstValue("Allow")).hasValueSatisfying(allow -> assertThat(allow).contains("GET"));
		assertProblem(platform.exchange("PATCH", job, Map.of("Content-Type", "application/json"), "{}".getBytes()), 405,
				"method-not-allowed");
		assertProblem(platform.exchange("POST", "/api/v1/no-such-resource", Map.of("Content-Type", "application/json"),
				"{}".getBytes()), 404, "not-found");
		// a route that exists still answers a missing scope as before
		ApiClient reader = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.READER_A));
		assertProblem(reader.postJson("/api/v1/kms-keys", "{\"keySpec\":\"SYMMETRIC_DEFAULT\"}"), 403,
				"insufficient-scope");
	}

	@Test
	void headIsNotAnOperationOfTheApiAndIsAnswered405NotAMissingScope() {
		ApiClient platform = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.PLATFORM_A));
		Response key = platform.postJson("/api/v1/kms-keys", "{\"keySpec\":\"SYMMETRIC_DEFAULT\"}");
		String keyId = key.json().get("keyId").asString();
		String job = "/api/v1/import-jobs/"
				+ platform.postJson("/api/v1/import-jobs", "{\"kmsKeyId\":\"" + keyId + "\"}")
					.json()
					.get("id")
					.asString();
		ApiClient reader = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.READER_A));
		long downloads = this.emulator.callCount("GetParametersForImport");

		for (ApiClient caller : List.of(reader, platform)) {
			for (String path : List.of(job, "/api/v1/import-jobs", job + "/wrapping-key")) {
				Response head = caller.exchange("HEAD", path, Map.of(), null);
				assertThat(head.status()).as(path + ": " + head).isEqualTo(405);
				assertThat(head.headers().firstValue("Allow")).as(path)
					.hasValueSatisfying(allow -> assertThat(allow).contains("GET"));
			}
		}
		assertThat(reader.exchange("HEAD", "/api/v1/import-jobs", Map.of(), null).headers().firstValue("Allow"))
			.hasValue("GET, POST");
		assertThat(this.emulator.callCount("GetParametersForImport")).isEqualTo(downloads);
	}

	@Test
	void tokenFromAnotherIssuerIsRefused() {
		String forged = "eyJhbGciOiJub25lIn0." + Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString("{\"sub\":\"platform-a\",\"scope\":\"keyport:read\"}".getBytes()) + ".";
		assertProblem(new ApiClient(this.port, forged).get("/api/v1/import-jobs"), 401, "unauthorized");
	}

	@Test
	void auditTrailRecordsApiAndKmsCallsWithCallerAndOutcome() {
		ApiClient tenantA = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.PLATFORM_A));
		Fixture fixture = fixture(tenantA);
		tenantA.post("/api/v1/import-jobs/" + fixture.jobId() + "/cancel");

		ApiClient admin = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.OPERATOR));
		Response trail = admin.get("/api/v1/audit-events?kmsKeyId=" + fixture.keyId() + "&size=100");
		assertThat(trail.status()).isEqualTo(200);
		List<String> operations = trail.json()
			.get("items")
			.valueStream()
			.map(e -> e.get("operation").asString())
			.toList();
		assertThat(operations).contains("kms:CreateKey", "kms:GetParametersForImport");
		trail.json().get("items").forEach(e -> {
			assertThat(e.get("tenant").asString()).isEqualTo("tenant-a");
			assertThat(e.get("subject").asString()).isEqualTo("platform-a");
			assertThat(e.get("requestId").asString()).isNotBlank();
		});
		// by tenant and key: the key's entries, its job's creation among them
		Response keyTrail = admin.get("/api/v1/audit-events?tenant=tenant-a&size=100&kmsKeyId=" + fixture.keyId());
		assertThat(keyTrail.json().get("items").valueStream().map(e -> e.get("operation").asString()))
			.contains("api:createKmsKey", "api:createImportJob");
		// the cancel names its job (not the key); its entry is written as the request
		// ends, which may be after its answer arrived. Read from the table: the tenant's
		// newest entries may all be the scheduler's of other test contexts, whose calls
		// on tenant A's keys name the tenant
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.jdbc.queryForList(
					"select operation || ' ' || outcome || ' ' || tenant from audit_event where job_id = ?::uuid",
					String.class, fixture.jobId()))
				.contains("api:cancelImportJob 200 tenant-a"));
	}

	// --- point 1: no privilege from a name
	// -------------------------------------------------------------------

	static Stream<LocalAuthorizationServer.DemoClient> privilegedNames() {
		return LocalAuthorizationServer.PRIVILEGED_NAMES.stream();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("privilegedNames")
	void clientOfAnotherTenantNamedLikeAPrivilegedCallerCannotTouchAJob(LocalAuthorizationServer.DemoClient named) {
		ApiClient tenantA = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.PLATFORM_A));
		Fixture fixture = fixture(tenantA);
		String before = tenantA.get("/api/v1/import-jobs/" + fixture.jobId()).text();
		ApiClient attacker = new ApiClient(this.port, Tokens.of(named));
		String job = "/api/v1/import-jobs/" + fixture.jobId();

		assertProblem(attacker.get(job), 404, "import-job-not-found");
		assertProblem(attacker.get(job + "/events"), 404, "import-job-not-found");
		assertProblem(attacker.get(job + "/wrapping-key", "application/octet-stream"), 404, "import-job-not-found");
		assertProblem(attacker.post(job + "/cancel"), 404, "import-job-not-found");
		assertProblem(attacker.post(job + "/refresh-parameters"), 404, "import-job-not-found");
		assertProblem(attacker.postJson(job + "/key-material", MATERIAL), 404, "import-job-not-found");
		assertProblem(attacker.putBytes(job + "/encrypted-key-material", new byte[256]), 404, "import-job-not-found");
		assertProblem(attacker.get("/api/v1/kms-keys/" + fixture.keyId()), 404, "kms-key-not-found");
		assertProblem(attacker.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", fixture.keyId()))),
				404, "kms-key-not-found");
		assertThat(attacker.get("/api/v1/import-jobs?size=100").text()).doesNotContain(fixture.jobId());

		assertThat(tenantA.get(job).text()).isEqualTo(before);
	}

	static Stream<LocalAuthorizationServer.DemoClient> unusableTenantClaims() {
		return Stream.of(LocalAuthorizationServer.WITHOUT_TENANT, LocalAuthorizationServer.OVERLONG_TENANT,
				LocalAuthorizationServer.ODD_TENANT);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("unusableTenantClaims")
	void tokenWithoutAUsableTenantClaimIsRefusedAndNeverFallsBackToTheClientId(
			LocalAuthorizationServer.DemoClient client) {
		ApiClient tenantA = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.PLATFORM_A));
		Fixture fixture = fixture(tenantA);
		ApiClient refused = new ApiClient(this.port, Tokens.of(client));

		// the client without a tenant claim is called "tenant-a": it must not become
		// tenant A
		assertProblem(refused.get("/api/v1/import-jobs/" + fixture.jobId()), 403, "invalid-tenant-claim");
		assertProblem(refused.get("/api/v1/import-jobs"), 403, "invalid-tenant-claim");
		assertProblem(refused.post("/api/v1/import-jobs/" + fixture.jobId() + "/cancel"), 403, "invalid-tenant-claim");
		assertProblem(refused.postJson("/api/v1/kms-keys", "{\"keySpec\":\"SYMMETRIC_DEFAULT\"}"), 403,
				"invalid-tenant-claim");
		assertThat(tenantA.get("/api/v1/import-jobs/" + fixture.jobId()).json().get("state").asString())
			.isEqualTo("PARAMETERS_FETCHED");
	}

	// --- point 2: keys are owned
	// ------------------------------------------------------------------------------

	@Test
	void keyNobodyOwnsIsInvisibleToTenantsUntilAnAdministratorAssignsIt() {
		ApiClient tenantA = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.PLATFORM_A));
		ApiClient tenantB = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.PLATFORM_B));
		ApiClient admin = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.OPERATOR));
		String keyId = unownedExternalKey();
		String job = ApiClient.json(Map.of("kmsKeyId", keyId));

		assertProblem(tenantA.get("/api/v1/kms-keys/" + keyId), 404, "kms-key-not-found");
		assertProblem(tenantA.get("/api/v1/kms-keys/" + keyId + "/public-key"), 404, "kms-key-not-found");
		assertProblem(tenantA.postJson("/api/v1/import-jobs", job), 404, "kms-key-not-found");
		assertProblem(tenantB.postJson("/api/v1/import-jobs", job), 404, "kms-key-not-found");
		assertThat(admin.get("/api/v1/kms-keys/" + keyId).status()).isEqualTo(200);

		// only an administrator assigns
		assertProblem(tenantA.putJson("/api/v1/kms-keys/" + keyId + "/owner", "{\"tenant\":\"tenant-a\"}"), 403,
				"insufficient-scope");
		Response assigned = admin.putJson("/api/v1/kms-keys/" + keyId + "/owner", "{\"tenant\":\"tenant-a\"}");
		assertThat(assigned.status()).as(assigned.toString()).isEqualTo(200);
		assertThat(assigned.json().get("tenant").asString()).isEqualTo("tenant-a");
		assertThat(assigned.json().get("assigned").asBoolean()).isTrue();

		assertThat(tenantA.get("/api/v1/kms-keys/" + keyId).status()).isEqualTo(200);
		assertThat(tenantA.postJson("/api/v1/import-jobs", job).status()).isEqualTo(201);
		assertProblem(tenantB.get("/api/v1/kms-keys/" + keyId), 404, "kms-key-not-found");
		assertProblem(tenantB.postJson("/api/v1/import-jobs", job), 404, "kms-key-not-found");

		// the same assignment again changes nothing; moving the key to another tenant is
		// refused
		Response again = admin.putJson("/api/v1/kms-keys/" + keyId + "/owner", "{\"tenant\":\"tenant-a\"}");
		assertThat(again.status()).isEqualTo(200);
		assertThat(again.json().get("assigned").asBoolean()).isFalse();
		assertProblem(admin.putJson("/api/v1/kms-keys/" + keyId + "/owner", "{\"tenant\":\"tenant-b\"}"), 409,
				"key-already-owned");
		assertProblem(admin.putJson("/api/v1/kms-keys/" + java.util.UUID.randomUUID() + "/owner",
				"{\"tenant\":\"tenant-a\"}"), 404, "kms-key-not-found");
		assertProblem(admin.putJson("/api/v1/kms-keys/" + keyId + "/owner", "{\"tenant\":\"tenant a\"}"), 400,
				"invalid-tenant");

		// audited: the API call and the DescribeKey that proved the key exists
		List<String> trail = admin.get("/api/v1/audit-events?kmsKeyId=" + keyId + "&size=100")
			.json()
			.get("items")
			.valueStream()
			.map(e -> e.get("operation").asString() + " " + e.get("outcome").asString())
			.toList();
		assertThat(trail).contains("api:assignKmsKeyOwner 200", "api:assignKmsKeyOwner 409", "kms:DescribeKey ok");
	}

	@Test
	void keyArnsAndAliasesCanBeAssignedToo() {
		ApiClient admin = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.OPERATOR));
		String keyId = unownedExternalKey();
		String arn = TestInfrastructure.kmsClient().describeKey(r -> r.keyId(keyId)).keyMetadata().arn();
		Response assigned = admin.putJson("/api/v1/kms-keys/" + arn + "/owner", "{\"tenant\":\"tenant-b\"}");
		assertThat(assigned.status()).as(assigned.toString()).isEqualTo(200);
		assertThat(new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.PLATFORM_B))
			.get("/api/v1/kms-keys/" + keyId)
			.status()).isEqualTo(200);
	}

	// --- point 3: no oracle
	// ----------------------------------------------------------------------------------

	@Test
	void missingInvalidForeignAndUnownedKeysGetTheSameAnswerOnEveryEndpoint() {
		ApiClient tenantA = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.PLATFORM_A));
		ApiClient tenantB = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.PLATFORM_B));
		String foreign = fixture(tenantA).keyId();
		String unowned = unownedExternalKey();
		String missing = java.util.UUID.randomUUID().toString();
		String foreignArn = TestInfrastructure.kmsClient().describeKey(r -> r.keyId(foreign)).keyMetadata().arn();
		String missingArn = foreignArn.replace(foreign, missing);
		List<Function<String, Response>> endpoints = List.of(ref -> tenantB.get("/api/v1/kms-keys/" + ref),
				ref -> tenantB.get("/api/v1/kms-keys/" + ref + "/public-key"),
				ref -> tenantB.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", ref))));
		for (Function<String, Response> endpoint : endpoints) {
			List<String> answers = Stream.of(missing, foreign, unowned, missingArn, foreignArn, "not-a-key-id")
				.map(ref -> {
					Response response = endpoint.apply(ref);
					assertThat(response.header("Content-Type")).startsWith("application/problem+json");
					// the same reference placeholder in every answer: only status, code
					// and wording remain
					return response.status() + " " + response.json().get("code").asString() + " "
							+ response.json().get("detail").asString().replace(ref, "<ref>") + " "
							+ response.json().propertyStream().map(Map.Entry::getKey).sorted().toList();
				})
				.toList();
			assertThat(answers).as(answers.toString()).containsOnly(answers.getFirst());
			assertThat(answers.getFirst()).startsWith("404 kms-key-not-found Key '<ref>' does not exist");
		}
	}

	@Test
	void aliasTakenByAnotherTenantIsRefusedWithoutNamingItsKey() {
		ApiClient tenantA = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.PLATFORM_A));
		ApiClient tenantB = new ApiClient(this.port, Tokens.of(LocalAuthorizationServer.PLATFORM_B));
		String alias = "alias/matrix-" + java.util.UUID.randomUUID();
		Response ofB = tenantB.postJson("/api/v1/kms-keys",
				ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT", "alias", alias)));
		assertThat(ofB.status()).as(ofB.toString()).isEqualTo(201);

		Response taken = tenantA.postJson("/api/v1/kms-keys",
				ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT", "alias", alias)));
		assertProblem(taken, 409, "alias-already-exists");
		assertThat(taken.text()).doesNotContain(ofB.json().get("keyId").asString())
			.doesNotContain(ofB.json().get("arn").asString())
			.doesNotContain("arn:");
	}

	/**
	 * An EXTERNAL key made directly at KMS, as another tool or person would: nobody owns
	 * it.
	 */
	static String unownedExternalKey() {
		return TestInfrastructure.kmsClient()
			.createKey(r -> r.origin(software.amazon.awssdk.services.kms.model.OriginType.EXTERNAL)
				.description("made outside Keyport"))
			.keyMetadata()
			.keyId();
	}

	Fixture fixture(ApiClient tenantA) {
		Response key = tenantA.postJson("/api/v1/kms-keys", ApiClient.json(Map.of("keySpec", "SYMMETRIC_DEFAULT")));
		assertThat(key.status()).as(key.toString()).isEqualTo(201);
		String keyId = key.json().get("keyId").asString();
		Response job = tenantA.postJson("/api/v1/import-jobs", ApiClient.json(Map.of("kmsKeyId", keyId)));
		assertThat(job.status()).as(job.toString()).isEqualTo(201);
		return new Fixture(keyId, job.json().get("id").asString());
	}

	/** A token of the right tenant whose scopes do not include the one needed. */
	static String wrongScopeToken(String needed) {
		return switch (needed) {
			case Scopes.READ -> Tokens.of(LocalAuthorizationServer.PLATFORM_A, Scopes.KEYS);
			case Scopes.IMPORT, Scopes.KEYS -> Tokens.of(LocalAuthorizationServer.READER_A);
			default -> Tokens.of(LocalAuthorizationServer.PLATFORM_A);
		};
	}

	static void assertProblem(Response response, int status, String code) {
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		assertThat(response.json().get("code").asString()).isEqualTo(code);
	}

}
