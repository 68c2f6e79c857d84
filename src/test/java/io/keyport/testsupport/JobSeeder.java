package io.keyport.testsupport;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes many import jobs straight into the database, with a mix of states and due times
 * as a busy installation has them, for plan tests and the scheduler benchmark. Jobs are
 * spread over the given KMS targets (plus a share on a target no instance reaches). Due
 * refreshes use the given key ARNs, so the KMS can answer them; every other job names a
 * key that does not exist.
 */
public final class JobSeeder {

	/** A target no instance configures: its jobs must be left out of every claim. */
	public static final String UNREACHABLE_TARGET = "retired";

	private static final String BYTES = "'\\x01'::bytea";

	private final int total;

	private final Instant now;

	private final Map<String, List<String>> dueKeyArns;

	private final int minimumDuePerKind;

	/**
	 * @param total jobs to write
	 * @param now the time due work is measured against
	 * @param dueKeyArns per reachable target, the ARNs that jobs due for new parameters
	 * use (existing EXTERNAL keys of that target); targets in iteration order
	 * @param minimumDuePerKind at least this many jobs due for new parameters and due for
	 * a check with KMS, whatever the total
	 */
	public JobSeeder(int total, Instant now, Map<String, List<String>> dueKeyArns, int minimumDuePerKind) {
		this.total = total;
		this.now = now;
		this.dueKeyArns = new LinkedHashMap<>(dueKeyArns);
		this.minimumDuePerKind = minimumDuePerKind;
	}

	/** One group of jobs alike: state, due times, target share. */
	private record Group(String name, int count, String state, String columns) {
	}

	/**
	 * Inserts the jobs in a few statements, then ANALYZEs the table.
	 * @return how many jobs of each group were written
	 */
	public Map<String, Integer> seed(Connection connection) throws SQLException {
		Map<String, Integer> counts = new LinkedHashMap<>();
		try (Statement statement = connection.createStatement()) {
			for (String sql : statements(counts)) {
				statement.execute(sql);
			}
			statement.execute("analyze import_job");
		}
		return counts;
	}

	private List<String> statements(Map<String, Integer> counts) {
		int dueRefresh = Math.max(this.total / 50, this.minimumDuePerKind);
		int dueCheck = Math.max(this.total / 100, this.minimumDuePerKind);
		int rest = Math.max(0, this.total - dueRefresh - dueCheck);
		List<Group> groups = new ArrayList<>();
		// waiting for material, parameters valid for hours
		groups.add(new Group("waiting, not due", share(rest, 0.36), "PARAMETERS_FETCHED",
				waiting(after("2 hours", "21 hours"))));
		// parameters lapse within the refresh margin: due now
		groups.add(new Group("waiting, refresh due", dueRefresh, "PARAMETERS_FETCHED",
				waiting(after("0 minutes", "50 minutes"))));
		// the last refresh failed: backed off for hours
		groups.add(new Group("waiting, backed off", share(rest, 0.03), "PARAMETERS_FETCHED",
				waiting(after("0 minutes", "50 minutes")) + backedOff()));
		groups.add(new Group("parameters expired, backed off", share(rest, 0.02), "PARAMETERS_EXPIRED",
				expired() + backedOff()));
		groups.add(new Group("parameters expired, due", share(rest, 0.005), "PARAMETERS_EXPIRED", expired()));
		groups.add(new Group("wrapped, retry later", share(rest, 0.02), "MATERIAL_WRAPPED",
				"parameters_valid_to = " + after("2 hours", "21 hours") + "; encrypted_key_material = " + BYTES
						+ "; next_attempt_at = " + after("1 minute", "1 hour") + "; import_attempts = 1"));
		// imported, material expiring within days to months, next check within the hour
		groups.add(new Group("imported, not due", share(rest, 0.3), "IMPORTED",
				imported(after("1 minute", "59 minutes"))));
		groups.add(new Group("imported, check due", dueCheck, "IMPORTED", imported(before("0 minutes", "10 minutes"))));
		groups.add(new Group("failed", share(rest, 0.08), "FAILED", "last_error_code = 'kms-key-not-found'"));
		groups.add(new Group("cancelled", share(rest, 0.1), "CANCELLED", ""));
		groups.add(new Group("superseded", share(rest, 0.04), "SUPERSEDED",
				"imported_at = " + before("1 day", "90 days")));
		int placed = groups.stream().mapToInt(Group::count).sum();
		groups.add(new Group("material expired", Math.max(0, this.total - placed), "MATERIAL_EXPIRED",
				"imported_at = " + before("1 day", "90 days")));
		List<String> statements = new ArrayList<>();
		for (Group group : groups) {
			counts.put(group.name(), group.count());
			statements.addAll(insert(group));
		}
		return statements;
	}

	private static int share(int rest, double fraction) {
		return (int) Math.round(rest * fraction);
	}

	/**
	 * Inserts of one group: 95 % spread over the reachable targets, 5 % on the
	 * unreachable one.
	 */
	private List<String> insert(Group group) {
		List<String> statements = new ArrayList<>();
		int unreachable = group.count() / 20;
		int perTarget = (group.count() - unreachable) / this.dueKeyArns.size();
		int first = group.count() - unreachable - perTarget * this.dueKeyArns.size();
		int index = 0;
		for (Map.Entry<String, List<String>> target : this.dueKeyArns.entrySet()) {
			int count = perTarget + (index++ == 0 ? first : 0);
			boolean realKeys = group.name().equals("waiting, refresh due")
					|| group.name().equals("parameters expired, due");
			statements.add(insert(group, count, target.getKey(), realKeys ? target.getValue() : List.of()));
		}
		statements.add(insert(group, unreachable, UNREACHABLE_TARGET, List.of()));
		return statements;
	}

	private String insert(Group group, int count, String target, List<String> keyArns) {
		String arn = keyArns.isEmpty() ? "'arn:aws:kms:eu-west-1:111122223333:key/' || gen_random_uuid()"
				: "(array[" + keyArns.stream().map(a -> "'" + a + "'").collect(Collectors.joining(", ")) + "])[1 + g % "
						+ keyArns.size() + "]";
		// a job created for a symmetric key some time ago; the group's columns on top
		Map<String, String> columns = new LinkedHashMap<>();
		columns.put("id", "gen_random_uuid()");
		columns.put("version", "1");
		columns.put("state", "'" + group.state() + "'");
		columns.put("kms_key_id", "k.arn");
		columns.put("kms_key_arn", "k.arn");
		columns.put("kms_target", "'" + target + "'");
		columns.put("key_spec", "'SYMMETRIC_DEFAULT'");
		columns.put("wrapping_algorithm", "'RSAES_OAEP_SHA_256'");
		columns.put("wrapping_key_spec", "'RSA_2048'");
		columns.put("expiration_model", "'KEY_MATERIAL_DOES_NOT_EXPIRE'");
		columns.put("created_at", before("1 hour", "30 days"));
		columns.put("updated_at", at());
		columns.put("created_by", "'seed'");
		columns.put("tenant", "'tenant-' || (g % 40)");
		columns.put("waiting_since", before("1 hour", "30 days"));
		columns.put("parameters_fetched_at", before("1 hour", "2 hours"));
		if (group.state().equals("PARAMETERS_FETCHED") || group.state().equals("MATERIAL_WRAPPED")) {
			columns.put("import_token", BYTES);
			columns.put("wrapping_public_key", BYTES);
		}
		for (String assignment : group.columns().split(";")) {
			if (!assignment.isBlank()) {
				int eq = assignment.indexOf('=');
				columns.put(assignment.substring(0, eq).strip(), assignment.substring(eq + 1).strip());
			}
		}
		return "insert into import_job (" + String.join(", ", columns.keySet()) + ") select "
				+ String.join(", ", columns.values()) + " from generate_series(1, " + count
				+ ") g cross join lateral (select " + arn + " as arn, g as n) k";
	}

	private static String waiting(String validTo) {
		return "parameters_valid_to = " + validTo;
	}

	private String expired() {
		return "parameters_valid_to = " + before("1 hour", "48 hours");
	}

	private String backedOff() {
		return "; work_failures = 3; last_error_code = 'kms-throttled'; work_not_before = "
				+ after("1 hour", "6 hours");
	}

	private String imported(String nextCheck) {
		return "expiration_model = 'KEY_MATERIAL_EXPIRES'; material_valid_to = " + after("1 day", "90 days")
				+ "; imported_at = " + before("1 day", "90 days") + "; next_check_at = " + nextCheck;
	}

	private String at() {
		return "timestamptz '" + this.now + "'";
	}

	/** A random time between the two intervals after now. */
	private String after(String from, String to) {
		return "(%s + interval '%s' + random() * (interval '%s' - interval '%s'))".formatted(at(), from, to, from);
	}

	/** A random time between the two intervals before now. */
	private String before(String from, String to) {
		return "(%s - interval '%s' - random() * (interval '%s' - interval '%s'))".formatted(at(), from, to, from);
	}

}
