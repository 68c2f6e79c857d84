package io.keyport.importjob;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.keyport.importjob.LifecycleClaims.ClaimQuery;
import io.keyport.importjob.LifecycleClaims.DueWork;
import io.keyport.testsupport.JobSeeder;
import io.keyport.testsupport.TestInfrastructure;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lifecycle's claims and the per-run expiring-keys count read O(batch) rows whatever
 * the table holds: on 20,000 jobs in a realistic mix (ANALYZEd), each claim reads every
 * target's due jobs through its partial index in index order, limited to the batch, and
 * nothing scans or sorts the table. Plan assertions, not timings: a plan that walks the
 * table is slow only once the table is large, and that is what these tests catch early. A
 * database of their own on the shared server, so the other tests' jobs do not count.
 */
class DueWorkPlanTests {

	private static final String DATABASE = "keyport_plans";

	private static final List<String> TARGETS = List.of("aws-a", "aws-b");

	private static final int BATCH = 50;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

	private static Connection connection;

	@BeforeAll
	static void seedTwentyThousandJobs() throws SQLException {
		try (Connection admin = DriverManager.getConnection(TestInfrastructure.jdbcUrl(), "postgres", "postgres");
				Statement statement = admin.createStatement()) {
			statement.execute("drop database if exists " + DATABASE);
			statement.execute("create database " + DATABASE);
		}
		String url = TestInfrastructure.postgres().getJdbcUrl("postgres", DATABASE);
		Flyway.configure().dataSource(url, "postgres", "postgres").load().migrate();
		connection = DriverManager.getConnection(url, "postgres", "postgres");
		Map<String, List<String>> keys = new LinkedHashMap<>();
		keys.put("aws-a", List.of("arn:aws:kms:eu-west-1:111122223333:key/plan-a"));
		keys.put("aws-b", List.of("arn:aws:kms:eu-west-1:222233334444:key/plan-b"));
		new JobSeeder(20_000, NOW, keys, 0).seed(connection);
		// two replicas for every fifth job that holds material, most imported with the
		// job's ValidTo, the rest still waiting
		try (Statement statement = connection.createStatement()) {
			statement.execute("""
					insert into import_job_replica (id, job_id, position, kms_target, region, kms_key_arn, state,
					    key_material_id, imported_at, material_valid_to)
					select gen_random_uuid(), j.id, p.position, 'aws-replica-' || p.position, 'eu-central-1',
					    j.kms_key_arn || '-replica-' || p.position,
					    case when j.material_valid_to is null or p.position = 2 and random() < 0.1
					        then 'NEEDS_UPLOAD' else 'IMPORTED' end,
					    j.key_material_id, j.imported_at, j.material_valid_to
					from import_job j cross join (values (1), (2)) p (position)
					where j.imported_at is not null and random() < 0.2""");
			statement.execute("analyze import_job_replica");
		}
	}

	@AfterAll
	static void dropDatabase() throws SQLException {
		connection.close();
		try (Connection admin = DriverManager.getConnection(TestInfrastructure.jdbcUrl(), "postgres", "postgres");
				Statement statement = admin.createStatement()) {
			statement.execute("drop database if exists " + DATABASE);
		}
	}

	@Test
	void refreshClaimReadsEachTargetsDueJobsInIndexOrderUpToTheBatch() throws SQLException {
		JsonNode plan = explainClaim(ImportJobLifecycle.refreshDue(NOW, Duration.ofHours(1)));
		// EAGER jobs only: three arms (due date, recent activity, neither) per target
		assertThat(limitedIndexScans(plan)).hasSize(6)
			.allSatisfy(scan -> assertThat(scan.path("Index Name").asString()).isEqualTo("import_job_eager_refresh"))
			.allSatisfy(DueWorkPlanTests::filtersTargetInIndex)
			.allSatisfy(scan -> assertThat(scan.path("Index Cond").asString()).contains("refresh_priority"));
		assertNoTableScanOrSort(plan);
	}

	@Test
	void onDemandSettleClaimReadsEachTargetsDueJobsInIndexOrderUpToTheBatch() throws SQLException {
		JsonNode plan = explainClaim(ImportJobLifecycle.settleDue(NOW, Duration.ofDays(30)));
		// abandoned and token lapsed per target
		assertThat(limitedIndexScans(plan)).hasSize(4)
			.allSatisfy(scan -> assertThat(scan.path("Index Name").asString()).isIn("import_job_waiting_abandon",
					"import_job_on_demand_token_lapsed"))
			.allSatisfy(DueWorkPlanTests::filtersTargetInIndex);
		assertNoTableScanOrSort(plan);
	}

	@Test
	void retryClaimReadsEachTargetsDueJobsInIndexOrderUpToTheBatch() throws SQLException {
		JsonNode plan = explainClaim(ImportJobLifecycle.retryDue(NOW));
		assertThat(limitedIndexScans(plan)).hasSize(2)
			.allSatisfy(scan -> assertThat(scan.path("Index Name").asString()).isEqualTo("import_job_retry_due"))
			.allSatisfy(DueWorkPlanTests::filtersTargetInIndex);
		assertNoTableScanOrSort(plan);
	}

	@Test
	void replicationClaimReadsEachTargetsDueJobsInIndexOrderUpToTheBatch() throws SQLException {
		JsonNode plan = explainClaim(ReplicaImports.replicationDue(NOW));
		assertThat(limitedIndexScans(plan)).hasSize(2)
			.allSatisfy(scan -> assertThat(scan.path("Index Name").asString()).isEqualTo("import_job_replication_due"))
			.allSatisfy(DueWorkPlanTests::filtersTargetInIndex);
		assertNoTableScanOrSort(plan);
	}

	@Test
	void checkClaimReadsEachTargetsDueJobsInIndexOrderUpToTheBatch() throws SQLException {
		JsonNode plan = explainClaim(ImportJobLifecycle.checkDue(NOW));
		assertThat(limitedIndexScans(plan)).hasSize(4)
			.allSatisfy(scan -> assertThat(scan.path("Index Name").asString()).isIn("import_job_check_due",
					"import_job_pending_rotation_check_due"))
			.allSatisfy(DueWorkPlanTests::filtersTargetInIndex);
		assertNoTableScanOrSort(plan);
	}

	@Test
	void custodyReleaseClaimReadsEachTargetsEndedJobsInIndexOrderUpToTheBatch() throws SQLException {
		JsonNode plan = explainClaim(CustodyReleases.releaseDue(NOW));
		assertThat(limitedIndexScans(plan)).hasSize(2)
			.allSatisfy(
					scan -> assertThat(scan.path("Index Name").asString()).isEqualTo("import_job_custody_release_due"))
			.allSatisfy(DueWorkPlanTests::filtersTargetInIndex);
		assertNoTableScanOrSort(plan);
	}

	@Test
	void custodyRenewalClaimReadsEachTargetsDueJobsInIndexOrderUpToTheBatch() throws SQLException {
		JsonNode plan = explainClaim(
				CustodyRenewals.renewalDue(NOW, new CustodyRenewalProperties(Duration.ofDays(7), Duration.ofDays(30))));
		assertThat(limitedIndexScans(plan)).hasSize(2)
			.allSatisfy(
					scan -> assertThat(scan.path("Index Name").asString()).isEqualTo("import_job_custody_renewal_due"))
			.allSatisfy(DueWorkPlanTests::filtersTargetInIndex);
		assertNoTableScanOrSort(plan);
	}

	@Test
	void rotationClaimReadsEachTargetsDueJobsInIndexOrderUpToTheBatch() throws SQLException {
		JsonNode plan = explainClaim(KeyRotations.rotationDue(NOW));
		assertThat(limitedIndexScans(plan)).hasSize(2)
			.allSatisfy(scan -> assertThat(scan.path("Index Name").asString()).isEqualTo("import_job_rotation_due"))
			.allSatisfy(DueWorkPlanTests::filtersTargetInIndex);
		assertNoTableScanOrSort(plan);
	}

	@Test
	void expiringKeysCountReadsOnlyMaterialExpiringWithinTheWindowOfJobsAndReplicas() throws SQLException {
		JsonNode plan = explain("select count(*) " + ExpiringKeys.CURRENT_MATERIAL_EXPIRING,
				ExpiringKeys.arguments(NOW, NOW.plus(Duration.ofDays(7)), null));
		List<JsonNode> scans = nodes(plan, node -> node.path("Relation Name").asString().startsWith("import_job"));
		assertThat(scans).isNotEmpty()
			.allSatisfy(scan -> assertThat(scan.path("Node Type").asString()).isIn("Index Scan", "Index Only Scan",
					"Bitmap Heap Scan"));
		assertThat(indexNames(plan)).contains("import_job_state_material_due", "import_job_key_imported",
				"import_job_replica_material_due");
		assertNoTableScanOrSort(plan);
	}

	@Test
	void oldestWaitingJobIsTheFirstEntryOfItsIndex() throws SQLException {
		JsonNode plan = explain(ImportJobStatistics.OLDEST_WAITING);
		assertThat(indexNames(plan)).containsOnly("import_job_waiting_since");
		assertNoTableScanOrSort(plan);
	}

	@Test
	void lifecycleLagReadsOnlyOverdueWork() throws SQLException {
		Timestamp overdue = Timestamp.from(NOW.minusSeconds(10));
		JsonNode plan = explain(ImportJobStatistics.EARLIEST_DUE, 3600L,
				Timestamp.from(overdue.toInstant().plus(Duration.ofHours(1))), overdue, overdue, overdue, overdue);
		assertNoTableScanOrSort(plan);
		// the states with a due column are read on a range of it
		assertThat(nodes(plan, node -> node.has("Index Cond")).stream()
			.map(node -> node.path("Index Cond").asString())
			.filter(condition -> condition.contains("<="))).hasSizeGreaterThanOrEqualTo(3);
	}

	@Test
	void onlyIndexesEveryJobNeedsAreWholeTheRestHoldOnlyTheirStatesJobs() throws SQLException {
		// no update of a job is HOT, so each writes an entry into every index whose
		// predicate its new version meets: a whole index costs every job's every change
		List<String> whole = new ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement("""
				select c.relname from pg_index i join pg_class c on c.oid = i.indexrelid
				where i.indrelid = 'import_job'::regclass and i.indpred is null order by 1""");
				ResultSet rs = statement.executeQuery()) {
			while (rs.next()) {
				whole.add(rs.getString(1));
			}
		}
		assertThat(whole).containsExactlyInAnyOrder("import_job_pkey", "import_job_created",
				"import_job_tenant_created", "import_job_key", "import_job_key_imported",
				"import_job_state_material_due");
	}

	private static JsonNode explainClaim(DueWork work) throws SQLException {
		ClaimQuery query = LifecycleClaims.claimQuery(work, NOW, "plan-test", NOW.plus(Duration.ofMinutes(2)), TARGETS,
				BATCH);
		return explain(query.sql(), query.arguments());
	}

	private static JsonNode explain(String sql, Object... arguments) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("explain (format json) " + sql)) {
			for (int i = 0; i < arguments.length; i++) {
				statement.setObject(i + 1, arguments[i]);
			}
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				return JSON.readTree(rs.getString(1)).get(0).get("Plan");
			}
		}
	}

	/**
	 * Index scans of import_job right under a LockRows under a Limit: read in index order
	 * and stopped after the batch.
	 */
	private static List<JsonNode> limitedIndexScans(JsonNode plan) {
		List<JsonNode> scans = new ArrayList<>();
		for (JsonNode limit : nodes(plan, node -> "Limit".equals(node.path("Node Type").asString()))) {
			JsonNode lock = limit.path("Plans").path(0);
			JsonNode scan = lock.path("Plans").path(0);
			if ("LockRows".equals(lock.path("Node Type").asString())
					&& "Index Scan".equals(scan.path("Node Type").asString())
					&& "import_job".equals(scan.path("Relation Name").asString())) {
				scans.add(scan);
			}
		}
		return scans;
	}

	private static void filtersTargetInIndex(JsonNode scan) {
		assertThat(scan.path("Index Cond").asString()).contains("kms_target");
	}

	/**
	 * No sequential scan of import_job, and no sort of anything read from import_job
	 * (sorting the claimed batch, read from a CTE, is fine).
	 */
	private static void assertNoTableScanOrSort(JsonNode plan) {
		assertThat(nodes(plan, node -> "Seq Scan".equals(node.path("Node Type").asString())))
			.as("sequential scans in %s", plan)
			.isEmpty();
		for (JsonNode sort : nodes(plan, node -> node.path("Node Type").asString().contains("Sort"))) {
			assertThat(nodesBelow(sort).stream()
				.filter(node -> "import_job".equals(node.path("Relation Name").asString())))
				.as("a sort of rows read from import_job (keys %s) in %s", sort.path("Sort Key"), plan)
				.isEmpty();
		}
	}

	/**
	 * The nodes whose rows flow into this one; CTEs and init plans hung below it are run
	 * on their own.
	 */
	private static List<JsonNode> nodesBelow(JsonNode node) {
		List<JsonNode> found = new ArrayList<>();
		for (JsonNode child : node.path("Plans")) {
			if (!child.has("Subplan Name")) {
				found.add(child);
				found.addAll(nodesBelow(child));
			}
		}
		return found;
	}

	private static List<String> indexNames(JsonNode plan) {
		return nodes(plan, node -> node.has("Index Name")).stream()
			.map(node -> node.path("Index Name").asString())
			.toList();
	}

	private static List<JsonNode> nodes(JsonNode plan, java.util.function.Predicate<JsonNode> matching) {
		List<JsonNode> found = new ArrayList<>();
		if (matching.test(plan)) {
			found.add(plan);
		}
		for (JsonNode child : plan.path("Plans")) {
			found.addAll(nodes(child, matching));
		}
		return found;
	}

}
