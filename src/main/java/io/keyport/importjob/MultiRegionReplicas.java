package io.keyport.importjob;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

import io.keyport.kms.KeyState;
import io.keyport.kms.KmsException;
import io.keyport.kms.KmsKey;
import io.keyport.kms.KmsTarget;
import io.keyport.kms.KmsTargets;
import io.keyport.kms.MultiRegionConfiguration;
import io.keyport.support.DescribedFailure.Kind;

/**
 * The replicas a multi-Region job names: checked before any GetParametersForImport (the
 * dry run makes the same checks), and created where the key has none yet. A replica is
 * named by a KMS target of the same provider in another region; the target must see the
 * key's replica in the key's own account. Owning the primary is owning its replicas: they
 * share the key id and material.
 */
@Component
class MultiRegionReplicas {

	/** How long a request waits for a replica KMS is still creating. */
	static final Duration CREATING_WAIT = Duration.ofSeconds(20);

	private static final Logger log = LoggerFactory.getLogger(MultiRegionReplicas.class);

	private final KmsTargets targets;

	MultiRegionReplicas(KmsTargets targets) {
		this.targets = targets;
	}

	/**
	 * A replica a job would import into.
	 *
	 * @param existing the replica as its target describes it, or {@code null} when the
	 * key has no replica in that region yet (ReplicateKey creates it)
	 */
	record Replica(KmsTarget target, KmsKey existing) {

		String region() {
			return this.target.region();
		}

	}

	/**
	 * Checks the replicas a request names, with no call but DescribeKey of existing
	 * replicas (no quota spent, nothing created).
	 */
	List<Replica> admit(KmsTarget primary, KmsKey key, List<String> names) {
		if (names == null || names.isEmpty()) {
			return List.of();
		}
		if (!primary.kms().supportsMultiRegion()) {
			throw refusal(ImportJobException.MULTI_REGION_UNSUPPORTED, "Target '" + primary.name() + "' ("
					+ primary.provider() + ") has no multi-Region keys, so a job " + "there cannot name replicas.");
		}
		if (!key.isMultiRegion()) {
			throw refusal(ImportJobException.KEY_NOT_MULTI_REGION, "Key " + key.arn()
					+ " is a single-Region key; only a multi-Region primary key has replicas to import into.");
		}
		if (key.multiRegion().role() == MultiRegionConfiguration.Role.REPLICA) {
			throw refusal(ImportJobException.KEY_IS_REPLICA,
					"Key " + key.arn() + " is a replica; start the job on its primary key "
							+ key.multiRegion().primary().arn() + " and name the replicas there.");
		}
		Set<String> regions = new HashSet<>();
		regions.add(primary.region());
		List<Replica> replicas = new ArrayList<>();
		for (String name : names) {
			KmsTarget target = this.targets.get(name);
			if (!target.provider().equals(primary.provider()) || !target.kms().supportsMultiRegion()) {
				throw refusal(ImportJobException.REPLICA_OTHER_PROVIDER,
						"Replica target '" + target.name() + "' is a " + target.provider() + " target; replicas "
								+ "must be in the provider of the key's target '" + primary.name() + "' ("
								+ primary.provider() + ").");
			}
			if (!regions.add(target.region())) {
				throw refusal(ImportJobException.REPLICA_SAME_REGION,
						"Replica target '" + target.name() + "' is in region " + target.region()
								+ ", where the job already has the primary key or another replica; name one target "
								+ "per other region.");
			}
			boolean listed = key.multiRegion().replicas().stream().anyMatch(r -> r.region().equals(target.region()));
			if (!listed
					&& target.kms().accountId().filter(account -> !account.equals(account(key.arn()))).isPresent()) {
				// ReplicateKey would create the replica in the key's account, where this
				// target could never import into it: refused before anything is created
				throw otherAccount(target, key);
			}
			replicas.add(new Replica(target, listed ? describeReplica(target, key) : null));
		}
		return replicas;
	}

	/**
	 * The replicas, each created by ReplicateKey (through the primary's target, audited
	 * like every KMS call) where the key has none yet, then described by its own target.
	 */
	List<Replica> ensureExist(KmsTarget primary, KmsKey key, List<Replica> replicas) {
		List<Replica> existing = new ArrayList<>();
		for (Replica replica : replicas) {
			if (replica.existing() != null) {
				existing.add(replica);
				continue;
			}
			KmsKey created = primary.kms().replicateKey(key.arn(), replica.region());
			log.info("Replica {} of key {} created in {} for an import job", created.arn(), key.arn(),
					replica.region());
			existing.add(new Replica(replica.target(), describeReplica(replica.target(), key)));
		}
		return existing;
	}

	/**
	 * The key's replica as the replica's target sees it: it must be the same key (id and
	 * account) and take imports in its state.
	 */
	private static KmsKey describeReplica(KmsTarget target, KmsKey key) {
		KmsKey replica = describe(target, key);
		// a new replica is CREATING for "a few seconds" (ReplicateKey), then
		// PENDING_IMPORT: waited for, as the job that asked for it cannot import before
		long deadline = System.nanoTime() + CREATING_WAIT.toNanos();
		long pause = 100;
		while (replica.state() == KeyState.CREATING && System.nanoTime() - deadline < 0) {
			try {
				Thread.sleep(pause);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			pause = Math.min(pause * 2, 1000);
			replica = describe(target, key);
		}
		if (!account(replica.arn()).equals(account(key.arn())) || !replica.keyId().equals(key.keyId())) {
			throw otherAccount(target, key);
		}
		if (!KmsImports.canImportInto(target.kms(), replica)) {
			throw new ImportJobException(ImportJobException.KEY_STATE_FORBIDS_IMPORT, Kind.CONFLICT, null, null,
					"Replica " + replica.arn() + " is " + replica.state() + "; material can be imported only into "
							+ "keys that are PENDING_IMPORT, ENABLED or DISABLED."
							+ (replica.state() == KeyState.CREATING ? " KMS is still creating it: try again shortly."
									: ""));
		}
		return replica;
	}

	private static KmsKey describe(KmsTarget target, KmsKey key) {
		try {
			return target.kms().describeKey(key.keyId());
		}
		catch (KmsException ex) {
			if (ex.errorCode().meansNoSuchKey() || ex.errorCode() == io.keyport.kms.KmsErrorCode.ACCESS_DENIED) {
				throw otherAccount(target, key);
			}
			throw ex;
		}
	}

	private static ImportJobException otherAccount(KmsTarget target, KmsKey key) {
		return refusal(ImportJobException.REPLICA_OTHER_ACCOUNT,
				"Replica target '" + target.name() + "' (" + target.region() + ") does not see the replica of key "
						+ key.keyId() + " in account " + account(key.arn())
						+ ": the target is configured for another account, or lacks access to the key.");
	}

	/** The account of an AWS ARN ({@code arn:aws:kms:region:account:key/id}). */
	private static String account(String arn) {
		String[] parts = arn.split(":", 6);
		return (parts.length == 6) ? parts[4] : "";
	}

	private static ImportJobException refusal(String code, String message) {
		return new ImportJobException(code, Kind.INVALID, null, null, message);
	}

}
