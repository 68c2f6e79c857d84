package io.keyport.importjob;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.keyport.custody.CustodyReference;
import io.keyport.kms.ImportResult;
import io.keyport.kms.KmsErrorCode;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;

import static io.keyport.importjob.ImportJobTests.LEASE;
import static io.keyport.importjob.ImportJobTests.T0;
import static io.keyport.importjob.ImportJobTests.newJob;
import static io.keyport.importjob.ImportJobTests.parameters;
import static io.keyport.importjob.ImportJobTests.someCiphertext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The replicas of a multi-Region job, owned by the {@link ImportJob} aggregate: the job
 * is REPLICATING until every replica holds the material, each replica's failure is its
 * own, and the history records each step (no Spring, no database).
 */
class ImportJobReplicaTests {

	static final String WEST_ARN = ImportJobTests.ARN.replace("us-east-1", "us-west-2");

	static final String EUROPE_ARN = ImportJobTests.ARN.replace("us-east-1", "eu-west-1");

	static ImportJob jobWithTwoReplicas() {
		ImportJob job = newJob();
		job.addReplica("west", "us-west-2", WEST_ARN, parameters(T0), "alice", T0);
		job.addReplica("europe", "eu-west-1", EUROPE_ARN, parameters(T0), "alice", T0);
		return job;
	}

	static ImportJob primaryImported() {
		ImportJob job = jobWithTwoReplicas();
		job.replicaWrappingKeys(T0).keySet().forEach(t -> job.markReplicaWrapped(t, someCiphertext(), "alice", T0));
		job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0);
		job.markImported(new ImportResult(ImportJobTests.ARN, "m1"), "alice", T0, T0.plus(Duration.ofHours(1)));
		return job;
	}

	@Test
	void jobWhosePrimaryIsImportedIsReplicatingUntilEveryReplicaIs() {
		ImportJob job = primaryImported();
		assertThat(job.state()).isEqualTo(ImportJobState.REPLICATING);
		assertThat(job.replicasDue(T0)).containsExactly("west", "europe");

		job.recordReplicaImported("west", new ImportResult(WEST_ARN, "m1"), "system", T0);
		job.finishReplicationTurn("system", T0, T0.plus(Duration.ofHours(1)));
		assertThat(job.state()).isEqualTo(ImportJobState.REPLICATING);

		job.recordReplicaImported("europe", new ImportResult(EUROPE_ARN, "m1"), "system", T0);
		job.finishReplicationTurn("system", T0, T0.plus(Duration.ofHours(1)));
		assertThat(job.state()).isEqualTo(ImportJobState.IMPORTED);
		assertThat(job.toView().replicas()).extracting(ImportJobView.ReplicaView::state)
			.containsExactly("IMPORTED", "IMPORTED");
		assertThat(job.events()).extracting(e -> e.toView().cause())
			.anyMatch(c -> c.startsWith("key material imported into the primary key")
					&& c.endsWith("2 replica(s) still to import"))
			.anyMatch(c -> c.startsWith("every replica holds the material"));
	}

	@Test
	void aReplicationTurnEndsAnEarlierBackoffButLeavesTheFailuresInARowToGrowTheNextOne() {
		ImportJob job = primaryImported();
		job.deferWork("kms-internal-error", "renewal from custody failed", T0.plus(Duration.ofMinutes(1)));
		job.deferWork("kms-internal-error", "renewal from custody failed", T0.plus(Duration.ofMinutes(2)));

		job.recordReplicaImportFailed("west", KmsErrorCode.INTERNAL, "boom", Duration.ofMinutes(5), 8, "system",
				T0.plus(Duration.ofMinutes(3)));
		job.finishReplicationTurn("system", T0.plus(Duration.ofMinutes(3)), T0.plus(Duration.ofHours(1)));

		// found by review: the turn reset the failures, so a renewal failing again
		// backed off as if for the first time, again and again
		assertThat(job.workFailures()).isEqualTo(2);
		assertThat(job.toView().lastErrorCode()).isEqualTo("kms-internal-error");
		assertThat(job.toView().lastErrorMessage()).startsWith("replica " + WEST_ARN);
	}

	@Test
	void aRenewalOfAReplicatingJobThatGetsThroughShowsWhatItsReplicasSayNotItsOwnEarlierFailure() {
		ImportJob job = ImportJob.start(ImportJobId.random(), "tenant-a",
				new TargetKey("default", "1234abcd-12ab-34cd-56ef-1234567890ab", ImportJobTests.ARN,
						KeySpec.SYMMETRIC_DEFAULT),
				WrappingAlgorithm.RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_2048,
				ExpirationPolicy.expiresAt(T0.plus(Duration.ofDays(10))), parameters(T0), "alice", T0);
		job.addReplica("west", "us-west-2", WEST_ARN, parameters(T0), "alice", T0);
		job.keepInCustody("vault");
		job.holdCustodyReference(new CustodyReference("vault", "c1"));
		job.replicaWrappingKeys(T0).keySet().forEach(t -> job.markReplicaWrapped(t, someCiphertext(), "alice", T0));
		job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0);
		job.markImported(new ImportResult(ImportJobTests.ARN, "m1"), "alice", T0, T0.plus(Duration.ofHours(1)));
		job.recordReplicaImportFailed("west", KmsErrorCode.INTERNAL, "boom", Duration.ofMinutes(5), 8, "system", T0);
		job.finishReplicationTurn("system", T0, T0.plus(Duration.ofHours(1)));
		Instant renewed = T0.plus(Duration.ofDays(4));
		job.deferWork("kms-internal-error", "renewal from custody failed: KMS was down", renewed);

		job.recordCustodyRenewal(renewed.plus(Duration.ofDays(30)), "m1", "renewed", "system", renewed);
		job.finishCustodyRenewal(renewed.plus(Duration.ofHours(1)));

		// found by review: the renewal's failure stayed the job's error until the last
		// replica was imported
		assertThat(job.state()).isEqualTo(ImportJobState.REPLICATING);
		assertThat(job.toView().lastErrorMessage()).startsWith("replica " + WEST_ARN + ": boom");
	}

	@Test
	void aReplicaRefusedForHoldingOtherMaterialForgetsAnUnansweredAttemptAndCanFailOnAttemptsAgain() {
		ImportJob job = primaryImported();
		// an attempt KMS may have carried out, then KMS says the replica holds other
		// material: the unanswered one did not land
		job.recordReplicaImportFailed("west", KmsErrorCode.INTERNAL, "lost", Duration.ofMinutes(5), 8, "system", T0);
		assertThat(job.replica("west").importOutcomeUnknown()).isTrue();
		job.recordReplicaImportFailed("west", KmsErrorCode.INCORRECT_KEY_MATERIAL, "other material",
				Duration.ofMinutes(5), 8, "system", T0);

		// found by review: the replica kept the unknown outcome, so the throttled
		// resends of a new upload could never run out of attempts
		assertThat(job.replica("west").importOutcomeUnknown()).isFalse();
		assertThat(job.replica("west").state()).isEqualTo(ImportJobReplica.State.NEEDS_UPLOAD);
	}

	@Test
	void materialThatExpiredEndsAReplicasUnansweredAttemptWithItsRound() {
		ImportJob job = primaryImported();
		job.recordReplicaImportFailed("west", KmsErrorCode.INTERNAL, "lost", Duration.ofMinutes(5), 8, "system", T0);
		assertThat(job.replica("west").importOutcomeUnknown()).isTrue();

		job.expireMaterial("material expired", "system", T0.plus(Duration.ofDays(1)));

		// found by review: the old round's unknown outcome carried into the next upload's
		assertThat(job.replica("west").importOutcomeUnknown()).isFalse();
	}

	@Test
	void transientReplicaFailureIsRetriedOnItsOwnAfterTheDelay() {
		ImportJob job = primaryImported();
		job.recordReplicaImported("west", new ImportResult(WEST_ARN, "m1"), "system", T0);
		job.recordReplicaImportFailed("europe", KmsErrorCode.INTERNAL, "boom", Duration.ofMinutes(5), 8, "system", T0);
		job.finishReplicationTurn("system", T0, T0.plus(Duration.ofHours(1)));

		assertThat(job.state()).isEqualTo(ImportJobState.REPLICATING);
		assertThat(job.toView().nextAttemptAt()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
		assertThat(job.toView().lastErrorCode()).isEqualTo("kms-internal-error");
		assertThat(job.replicasDue(T0.plus(Duration.ofMinutes(4)))).isEmpty();
		assertThat(job.replicasDue(T0.plus(Duration.ofMinutes(5)))).containsExactly("europe");
	}

	@Test
	void aReplicaImportHeldBackBeforeItWasSentIsRetriedLikeATransientFaultNotFailedAsKmsRefusal() {
		// the role's credentials were refused by STS a moment: KMS never saw the call
		ImportJob job = primaryImported();
		job.recordReplicaImported("west", new ImportResult(WEST_ARN, "m1"), "system", T0);
		job.recordReplicaImportFailed("europe", KmsErrorCode.ACCESS_DENIED, false, "STS refused the role",
				Duration.ofMinutes(5), 8, "system", T0);
		job.finishReplicationTurn("system", T0, T0.plus(Duration.ofHours(1)));

		assertThat(job.state()).isEqualTo(ImportJobState.REPLICATING);
		assertThat(job.replicasDue(T0.plus(Duration.ofMinutes(5)))).containsExactly("europe");
		// KMS's own refusal still ends the replica
		job.recordReplicaImportFailed("europe", KmsErrorCode.ACCESS_DENIED, true, "not allowed", Duration.ofMinutes(5),
				8, "system", T0.plus(Duration.ofMinutes(5)));
		job.finishReplicationTurn("system", T0.plus(Duration.ofMinutes(5)), T0.plus(Duration.ofHours(1)));
		assertThat(job.state()).isEqualTo(ImportJobState.IMPORTED);
		assertThat(job.toView().lastErrorCode()).isEqualTo("replica-import-failed");
	}

	@Test
	void replicaThatCanNeverTakeTheMaterialLeavesTheJobImportedAndWatchedNamingItOnceTheOthersAreDone() {
		ImportJob job = primaryImported();
		job.recordReplicaImportFailed("europe", KmsErrorCode.KEY_NOT_FOUND, "gone", Duration.ofMinutes(5), 8, "system",
				T0);
		job.finishReplicationTurn("system", T0, T0.plus(Duration.ofHours(1)));
		// the west replica is still to import
		assertThat(job.state()).isEqualTo(ImportJobState.REPLICATING);

		job.recordReplicaImported("west", new ImportResult(WEST_ARN, "m1"), "system", T0);
		job.finishReplicationTurn("system", T0, T0.plus(Duration.ofHours(1)));

		// the primary and west hold the material: the job is not ended, so its key stays
		// watched and material in custody is kept
		assertThat(job.state()).isEqualTo(ImportJobState.IMPORTED);
		assertThat(job.toView().lastErrorCode()).isEqualTo("replica-import-failed");
		assertThat(job.toView().lastErrorMessage()).contains(EUROPE_ARN);
	}

	@Test
	void replicaWhoseTokenLapsedWithoutCustodyWaitsForANewUpload() {
		ImportJob job = primaryImported();
		job.recordReplicaImportFailed("west", KmsErrorCode.EXPIRED_IMPORT_TOKEN, "expired", Duration.ofMinutes(5), 8,
				"system", T0);
		assertThat(job.replicasDue(T0)).contains("west");
		job.recordReplicaParameters("west", parameters(T0), null, "system", T0);
		job.finishReplicationTurn("system", T0, T0.plus(Duration.ofHours(1)));

		assertThat(job.replica("west").state()).isEqualTo(ImportJobReplica.State.NEEDS_UPLOAD);
		assertThat(job.replicaWrappingKeys(T0)).containsOnlyKeys("west");
		// europe still has its import due; then only the new upload is awaited
		job.recordReplicaImported("europe", new ImportResult(EUROPE_ARN, "m1"), "system", T0);
		job.finishReplicationTurn("system", T0, T0.plus(Duration.ofHours(1)));
		assertThat(job.toView().lastErrorCode()).isEqualTo("replica-needs-upload");
		assertThat(job.toView().nextAttemptAt()).isNull();
	}

	@Test
	void aReplicaWhoseAttemptsRanOutAfterOneKmsMayHaveCarriedOutIsRetriedNotFailed() {
		ImportJob job = primaryImported();
		job.recordReplicaImportFailed("west", KmsErrorCode.INTERNAL, "internal error", Duration.ofMinutes(5), 2,
				"system", T0);
		job.recordReplicaImportFailed("west", KmsErrorCode.THROTTLED, "Rate exceeded", Duration.ofMinutes(15), 2,
				"system", T0);

		assertThat(job.replica("west").state()).isEqualTo(ImportJobReplica.State.MATERIAL_WRAPPED);
		assertThat(job.replica("west").lastErrorCode()).isEqualTo("import-outcome-unknown");
		assertThat(job.replica("west").nextAttemptAt()).isEqualTo(T0.plus(Duration.ofMinutes(15)));
		// one that never left Keyport cannot have been carried out: failed as before
		job.recordReplicaImportFailed("europe", KmsErrorCode.UNAVAILABLE, false, "cannot connect",
				Duration.ofMinutes(5), 1, "system", T0);
		assertThat(job.replica("europe").state()).isEqualTo(ImportJobReplica.State.FAILED);
	}

	@Test
	void refusedPrimaryMaterialVoidsTheReplicasWrappedCopies() {
		ImportJob job = jobWithTwoReplicas();
		job.replicaWrappingKeys(T0).keySet().forEach(t -> job.markReplicaWrapped(t, someCiphertext(), "alice", T0));
		job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0);
		job.importFailed(KmsErrorCode.INVALID_CIPHERTEXT, "bad", Duration.ofMinutes(1), 8, "system", T0);

		assertThat(job.state()).isEqualTo(ImportJobState.PARAMETERS_FETCHED);
		assertThat(job.replicaWrappingKeys(T0)).containsOnlyKeys("west", "europe");
	}

	@Test
	void replicasAreChosenOnlyWhenTheJobIsCreated() {
		ImportJob job = newJob();
		job.stored();
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> job.addReplica("west", "us-west-2", WEST_ARN, parameters(T0), "alice", T0));
	}

}
