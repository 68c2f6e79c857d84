package io.keyport.security;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.web.server.LocalServerPort;

import io.keyport.testsupport.ApiClient;
import io.keyport.testsupport.ApiClient.Response;
import io.keyport.testsupport.IntegrationTest;
import io.keyport.testsupport.Tokens;
import io.keyportdev.localauth.LocalAuthorizationServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every endpoint against every kind of caller: no token (401), a token without the endpoint's scope (403), the right
 * scope in another tenant (404 for the other tenant's resources, so existence does not leak), the right scope in the
 * owning tenant (the operation happens), and an administrator (reads everything, changes nothing without the scope).
 * Tokens come from the local authorization server with client credentials; security is never switched off.
 */
class AuthorizationMatrixTests extends IntegrationTest {

	@LocalServerPort
	int port;

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
				// the fixture's key is symmetric: the owner passes authorization and meets the domain's refusal
				new Endpoint("GET /kms-keys/{keyId}/public-key", Scopes.READ, true, 422,
						f -> c -> c.get("/api/v1/kms-keys/" + f.keyId() + "/public-key")),
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

		// the right scope, another tenant: the resource does not exist for it, and nothing changes
		if (endpoint.jobScoped() && !endpoint.scope().equals(Scopes.ADMIN) && !endpoint.scope().equals(Scopes.OPS)) {
			String before = tenantA.get("/api/v1/import-jobs/" + fixture.jobId()).text();
			Response other = call.send(tenantB);
			assertThat(other.status()).as(endpoint + " as tenant B: " + other).isIn(404, 422);
			assertThat(other.json().get("code").asString()).isIn("import-job-not-found", "kms-key-not-found");
			assertThat(tenantA.get("/api/v1/import-jobs/" + fixture.jobId()).text()).isEqualTo(before);
		}
		if (endpoint.name().equals("GET /import-jobs")) {
			assertThat(call.send(tenantB).text()).doesNotContain(fixture.jobId());
		}

		// an administrator reads across tenants but changes nothing without the operation's scope
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
		ApiClient own = endpoint.scope().equals(Scopes.ADMIN) || endpoint.scope().equals(Scopes.OPS) ? admin
				: tenantA;
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
	void tokenFromAnotherIssuerIsRefused() {
		String forged = "eyJhbGciOiJub25lIn0." + Base64.getUrlEncoder().withoutPadding()
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
		List<String> operations = trail.json().get("items").valueStream().map(e -> e.get("operation").asString())
			.toList();
		assertThat(operations).contains("kms:CreateKey", "kms:DescribeKey", "kms:GetParametersForImport");
		trail.json().get("items").forEach(e -> {
			assertThat(e.get("tenant").asString()).isEqualTo("tenant-a");
			assertThat(e.get("subject").asString()).isEqualTo("platform-a");
			assertThat(e.get("requestId").asString()).isNotBlank();
		});
		Response jobTrail = admin.get("/api/v1/audit-events?tenant=tenant-a&size=500");
		assertThat(jobTrail.json().get("items").valueStream()
			.filter(e -> fixture.jobId().equals(e.get("jobId").asString()))
			.map(e -> e.get("operation").asString() + " " + e.get("outcome").asString())).contains("api:cancelImportJob 200");
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
