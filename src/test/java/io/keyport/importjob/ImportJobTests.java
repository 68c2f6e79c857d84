package io.keyport.importjob;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.keyport.kms.ImportParameters;
import io.keyport.kms.ImportResult;
import io.keyport.kms.KmsErrorCode;
import io.keyport.support.DescribedFailure;
import io.keyport.wrapping.EncryptedKeyMaterial;
import io.keyport.wrapping.KeySpec;
import io.keyport.wrapping.WrappingAlgorithm;
import io.keyport.wrapping.WrappingKeySpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The job's state machine, without Spring or a database. */
class ImportJobTests {

	static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

	static final String ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

	static final Lease LEASE = new Lease("instance-a", T0.plusSeconds(120));

	static ImportJob newJob() {
		return ImportJob.start(ImportJobId.random(), "tenant-a",
				new TargetKey("default", "1234abcd-12ab-34cd-56ef-1234567890ab", ARN, KeySpec.SYMMETRIC_DEFAULT),
				WrappingAlgorithm.RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_2048, ExpirationPolicy.doesNotExpire(),
				parameters(T0), "alice", T0);
	}

	static ImportParameters parameters(Instant downloaded) {
		return new ImportParameters(ARN, new byte[] { 1, 2, 3 }, new byte[] { 9, 9, 9 },
				downloaded.plus(Duration.ofHours(24)));
	}

	static EncryptedKeyMaterial someCiphertext() {
		return EncryptedKeyMaterial.of(new byte[256]);
	}

	@Test
	void uploadMarksTheJobUsedByItsClientOncePerMinuteWithoutLoweringADueDatePriority() {
		ImportJob job = newJob();
		assertThat(job.toView().lastClientActivityAt()).isNull();
		assertThat(job.refreshPriority()).isEqualTo(ImportJob.PRIORITY_IDLE);

		job.usedByClient(T0.plusSeconds(10));
		job.usedByClient(T0.plusSeconds(50));

		assertThat(job.toView().lastClientActivityAt()).as("once per minute").isEqualTo(T0.plusSeconds(10));
		assertThat(job.refreshPriority()).isEqualTo(ImportJob.PRIORITY_ACTIVE);
		job.usedByClient(T0.plusSeconds(75));
		assertThat(job.toView().lastClientActivityAt()).isEqualTo(T0.plusSeconds(75));

		ImportJob due = ImportJob.start(ImportJobId.random(), "tenant-a",
				new TargetKey("default", "1234abcd-12ab-34cd-56ef-1234567890ab", ARN, KeySpec.SYMMETRIC_DEFAULT),
				WrappingAlgorithm.RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_2048, ExpirationPolicy.doesNotExpire(),
				RefreshPolicy.EAGER, T0.plus(Duration.ofDays(2)), parameters(T0), "alice", T0);
		due.usedByClient(T0.plusSeconds(10));
		assertThat(due.refreshPriority()).as("a due date stays first").isEqualTo(ImportJob.PRIORITY_DUE_DATE);
	}

	@Test
	void newJobWaitsForMaterialAndRecordsItsCreation() {
		ImportJob job = newJob();
		assertThat(job.state()).isEqualTo(ImportJobState.PARAMETERS_FETCHED);
		assertThat(job.events()).singleElement().satisfies(e -> {
			assertThat(e.toView().from()).isNull();
			assertThat(e.toView().to()).isEqualTo(ImportJobState.PARAMETERS_FETCHED);
			assertThat(e.toView().actor()).isEqualTo("alice");
		});
		assertThat(job.toView().parameterDownloads()).isEqualTo(1);
	}

	@Test
	void wrappedThenImportedDropsTokenAndMaterial() {
		ImportJob job = newJob();
		job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0.plusSeconds(60));
		assertThat(job.state()).isEqualTo(ImportJobState.MATERIAL_WRAPPED);
		assertThat(job.importRequest().importToken()).containsExactly(9, 9, 9);

		job.markImported(new ImportResult(ARN, "abc"), "alice", T0.plusSeconds(61),
				T0.plusSeconds(61).plus(Duration.ofHours(1)));

		assertThat(job.state()).isEqualTo(ImportJobState.IMPORTED);
		assertThat(job.toView().keyMaterialId()).isEqualTo("abc");
		assertThat(job.toView().importAttempts()).isEqualTo(1);
		assertThatExceptionOfType(ImportJobException.class).isThrownBy(() -> job.usableWrappingKey(T0))
			.satisfies(e -> assertThat(e.code()).isEqualTo("no-import-parameters"));
		assertThat(job.events()).extracting(e -> e.toView().to())
			.containsExactly(ImportJobState.PARAMETERS_FETCHED, ImportJobState.MATERIAL_WRAPPED,
					ImportJobState.IMPORTED);
	}

	@Test
	void refusesMaterialOnceParametersExpired() {
		ImportJob job = newJob();
		assertThatExceptionOfType(ImportJobException.class)
			.isThrownBy(
					() -> job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0.plus(Duration.ofHours(24))))
			.satisfies(e -> assertThat(e.code()).isEqualTo("parameters-expired"));
		assertThat(job.state()).isEqualTo(ImportJobState.PARAMETERS_FETCHED);
		assertThat(job.events()).hasSize(1);
	}

	@Test
	void transientImportFailureKeepsMaterialAndSchedulesRetry() {
		ImportJob job = newJob();
		job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0);
		job.importFailed(KmsErrorCode.THROTTLED, "Rate exceeded", Duration.ofSeconds(30), 8, "alice", T0);
		assertThat(job.state()).isEqualTo(ImportJobState.MATERIAL_WRAPPED);
		assertThat(job.toView().nextAttemptAt()).isEqualTo(T0.plusSeconds(30));
		assertThat(job.toView().lastErrorCode()).isEqualTo("kms-throttled");
		assertThat(job.importRequest()).isNotNull();
	}

	@Test
	void throttledAttemptsFailTheJobOnceAttemptsAreExhaustedAsKmsCarriedOutNoneOfThem() {
		ImportJob job = newJob();
		job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0);
		job.importFailed(KmsErrorCode.THROTTLED, "Rate exceeded", Duration.ofSeconds(1), 2, "alice", T0);
		assertThat(job.state()).isEqualTo(ImportJobState.MATERIAL_WRAPPED);
		assertThat(job.events().getLast().toView().cause()).contains("import attempt 1 failed");
		job.importFailed(KmsErrorCode.THROTTLED, "Rate exceeded", Duration.ofSeconds(1), 2, "alice", T0);
		assertThat(job.state()).isEqualTo(ImportJobState.FAILED);
		assertThat(job.toView().lastErrorCode()).isEqualTo("import-attempts-exhausted");
	}

	@Test
	void attemptsRunningOutAfterOneKmsMayHaveCarriedOutKeepTheJobWrappedAndRetryingWithItsToken() {
		ImportJob job = newJob();
		job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0);
		// the first answer was lost; the later attempts were only throttled
		job.importFailed(KmsErrorCode.UNAVAILABLE, "connection reset", Duration.ofSeconds(1), 3, "alice", T0);
		job.importFailed(KmsErrorCode.THROTTLED, "Rate exceeded", Duration.ofSeconds(1), 3, "alice", T0);
		Instant later = T0.plusSeconds(60);
		job.importFailed(KmsErrorCode.THROTTLED, "Rate exceeded", Duration.ofMinutes(15), 3, "alice", later);

		assertThat(job.state()).isEqualTo(ImportJobState.MATERIAL_WRAPPED);
		assertThat(job.toView().lastErrorCode()).isEqualTo("import-outcome-unknown");
		assertThat(job.toView().nextAttemptAt()).isEqualTo(later.plus(Duration.ofMinutes(15)));
		assertThat(job.events().getLast().toView().cause()).contains("the 3 attempts ran out")
			.contains("until the token lapses at " + T0.plus(Duration.ofHours(24)));
		assertThat(job.importRequest()).isNotNull();
		// the guard that keeps the token holds on a throttled last attempt too
		assertThatExceptionOfType(ImportJobException.class).isThrownBy(() -> job.cancelOnRequest("alice", later))
			.satisfies(e -> assertThat(e.code()).isEqualTo("import-outcome-unknown"));
		// the next attempt that runs out too keeps it so
		job.importFailed(KmsErrorCode.INTERNAL, "boom", Duration.ofMinutes(15), 3, "alice", later);
		assertThat(job.state()).isEqualTo(ImportJobState.MATERIAL_WRAPPED);
	}

	@Test
	void attemptsThatNeverLeftKeyportFailTheJobOnceExhaustedAsKmsCarriedOutNoneOfThem() {
		ImportJob job = newJob();
		job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0);
		job.importFailed(KmsErrorCode.UNAVAILABLE, false, "cannot connect", Duration.ofSeconds(1), 2, "alice", T0);
		assertThat(job.state()).isEqualTo(ImportJobState.MATERIAL_WRAPPED);
		job.importFailed(KmsErrorCode.UNAVAILABLE, false, "cannot connect", Duration.ofSeconds(1), 2, "alice", T0);

		assertThat(job.state()).isEqualTo(ImportJobState.FAILED);
		assertThat(job.toView().lastErrorCode()).isEqualTo("import-attempts-exhausted");
	}

	@Test
	void aTokenThatLapsesWhileTheOutcomeIsUnknownAsksForTheSameMaterialAndEndsTheGuard() {
		ImportJob job = newJob();
		job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0);
		job.importFailed(KmsErrorCode.DEPENDENCY_TIMEOUT, "timed out", Duration.ofSeconds(1), 8, "alice", T0);
		Instant lapsed = T0.plus(Duration.ofHours(25));

		job.expireParameters("system", lapsed);

		assertThat(job.state()).isEqualTo(ImportJobState.PARAMETERS_EXPIRED);
		assertThat(job.toView().lastErrorCode()).isEqualTo("import-outcome-unknown");
		assertThat(job.toView().lastErrorMessage()).contains("upload the same material again");
		assertThat(job.events().getLast().toView().errorCode()).isEqualTo("import-outcome-unknown");
		// KMS can no longer carry out an attempt with the lapsed token
		job.cancelOnRequest("alice", lapsed);
		assertThat(job.state()).isEqualTo(ImportJobState.CANCELLED);
	}

	@Test
	void anImportWhoseSenderDiedIsUnconfirmedOnceItsTokenLapsesAndStaysSoAcrossLaterRefreshes() {
		ImportJob job = newJob();
		// sent, and no answer ever recorded
		job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0);
		Instant lapsed = T0.plus(Duration.ofHours(25));

		job.recordParameters(parameters(lapsed), "import token expired before the import succeeded", "system", lapsed);
		Instant nextDay = lapsed.plus(Duration.ofHours(23));
		job.recordParameters(parameters(nextDay), "parameters refreshed before they lapse", "system", nextDay);

		assertThat(job.state()).isEqualTo(ImportJobState.PARAMETERS_FETCHED);
		assertThat(job.toView().lastErrorCode()).isEqualTo("import-outcome-unknown");
		assertThat(job.toView().lastErrorMessage()).contains("upload the same material again");
		// it keeps nothing in custody that KMS may need, so it may be cancelled
		job.cancelOnRequest("alice", nextDay);
		assertThat(job.state()).isEqualTo(ImportJobState.CANCELLED);
	}

	@Test
	void wrappedJobIsLeasedToTheUploadingInstanceAndReleasedByTheOutcome() {
		ImportJob job = newJob();
		job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0);
		assertThat(job.leaseOwner()).isEqualTo("instance-a");
		job.markImported(new ImportResult(ARN, null), "alice", T0, T0.plusSeconds(3600));
		assertThat(job.leaseOwner()).isNull();
	}

	@Test
	void reconciliationMarksTheJobImportedWithoutAnotherCall() {
		ImportJob job = newJob();
		job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0);
		job.reconcileImported("reconciled", "system", T0, T0.plusSeconds(3600));
		assertThat(job.state()).isEqualTo(ImportJobState.IMPORTED);
		assertThat(job.toView().importAttempts()).isEqualTo(0);
	}

	@Test
	void refusedCiphertextSendsJobBackToWaitingForMaterial() {
		ImportJob job = newJob();
		job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0);
		job.importFailed(KmsErrorCode.INVALID_CIPHERTEXT, "could not decrypt", Duration.ZERO, 8, "alice", T0);
		assertThat(job.state()).isEqualTo(ImportJobState.PARAMETERS_FETCHED);
		assertThat(job.toView().lastErrorCode()).isEqualTo("kms-invalid-ciphertext");
		assertThatExceptionOfType(IllegalTransitionException.class).isThrownBy(job::importRequest);
		// parameters are still usable for a corrected upload
		assertThat(job.usableWrappingKey(T0)).containsExactly(1, 2, 3);
	}

	@Test
	void expiredTokenAtImportNeedsNewParameters() {
		ImportJob job = newJob();
		job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0);
		job.importFailed(KmsErrorCode.EXPIRED_IMPORT_TOKEN, "expired", Duration.ZERO, 8, "alice", T0);
		assertThat(job.state()).isEqualTo(ImportJobState.PARAMETERS_EXPIRED);
	}

	@Test
	void keyInWrongStateFailsTheJobAndDropsSecrets() {
		ImportJob job = newJob();
		job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0);
		job.importFailed(KmsErrorCode.INVALID_KEY_STATE, "pending deletion", Duration.ZERO, 8, "alice", T0);
		assertThat(job.state()).isEqualTo(ImportJobState.FAILED);
		assertThat(job.state().isTerminal()).isTrue();
		assertThatExceptionOfType(ImportJobException.class).isThrownBy(() -> job.usableWrappingKey(T0));
	}

	@Test
	void refreshReplacesParametersAndDiscardsWrappedMaterial() {
		ImportJob job = newJob();
		job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0);
		job.expireParameters("system", T0.plus(Duration.ofHours(24)));
		assertThat(job.state()).isEqualTo(ImportJobState.PARAMETERS_EXPIRED);

		Instant later = T0.plus(Duration.ofHours(25));
		job.recordParameters(parameters(later), "refreshed", "system", later);

		assertThat(job.state()).isEqualTo(ImportJobState.PARAMETERS_FETCHED);
		assertThat(job.toView().parameterDownloads()).isEqualTo(2);
		assertThat(job.toView().parametersValidTo()).isEqualTo(later.plus(Duration.ofHours(24)));
		assertThat(job.events().getLast().toView().cause()).contains("refreshed");
	}

	@Test
	void materialExpiryAndReimport() {
		ImportJob job = newJob();
		job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0);
		job.markImported(new ImportResult(ARN, null), "alice", T0, T0.plus(Duration.ofHours(1)));
		job.expireMaterial("ValidTo passed", "system", T0.plus(Duration.ofDays(10)));
		assertThat(job.state()).isEqualTo(ImportJobState.MATERIAL_EXPIRED);
		job.recordParameters(parameters(T0.plus(Duration.ofDays(10))), "re-import", "alice",
				T0.plus(Duration.ofDays(10)));
		assertThat(job.state()).isEqualTo(ImportJobState.PARAMETERS_FETCHED);
	}

	@Test
	void aDeletionByAnEarlierRenewalNoLongerCountsOnceTheMaterialIsImportedAgain() {
		ImportJob job = newJob();
		job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0);
		job.markImported(new ImportResult(ARN, null), "alice", T0, T0.plus(Duration.ofHours(1)));
		// as CustodyRenewals writes it right after Huawei's deletion
		org.springframework.test.util.ReflectionTestUtils.setField(job, "materialDeletedAt", T0.plusSeconds(60));
		assertThat(job.materialDeletedForRenewal()).isTrue();
		job.expireMaterial("expired", "system", T0.plus(Duration.ofDays(10)));
		job.recordParameters(parameters(T0.plus(Duration.ofDays(10))), "re-import", "alice",
				T0.plus(Duration.ofDays(10)));
		job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0.plus(Duration.ofDays(10)));

		job.markImported(new ImportResult(ARN, null), "alice", T0.plus(Duration.ofDays(10)),
				T0.plus(Duration.ofDays(10)).plus(Duration.ofHours(1)));

		// the check again tells a later deletion outside Keyport from a renewal's
		assertThat(job.materialDeletedForRenewal()).isFalse();
	}

	@Test
	void cancelledJobRefusesEverything() {
		ImportJob job = newJob();
		job.cancel("no longer needed", "alice", T0);
		assertThat(job.state()).isEqualTo(ImportJobState.CANCELLED);
		assertThatExceptionOfType(IllegalTransitionException.class)
			.isThrownBy(() -> job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0))
			.satisfies(e -> assertThat(e.code()).isEqualTo("illegal-state-transition"));
		assertThatExceptionOfType(IllegalTransitionException.class)
			.isThrownBy(() -> job.recordParameters(parameters(T0), "x", "alice", T0));
		assertThatExceptionOfType(IllegalTransitionException.class).isThrownBy(() -> job.cancel("again", "a", T0));
	}

	@Test
	void importedJobCannotBeCancelledOrRewrapped() {
		ImportJob job = newJob();
		job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0);
		job.markImported(new ImportResult(ARN, null), "alice", T0, T0.plus(Duration.ofHours(1)));
		assertThatExceptionOfType(IllegalTransitionException.class).isThrownBy(() -> job.cancel("x", "a", T0));
		assertThatExceptionOfType(IllegalTransitionException.class)
			.isThrownBy(() -> job.recordParameters(parameters(T0), "x", "a", T0));
	}

	static ImportJob expiringJob(Instant validTo) {
		return ImportJob.start(ImportJobId.random(), "tenant-a",
				new TargetKey("default", "1234abcd-12ab-34cd-56ef-1234567890ab", ARN, KeySpec.SYMMETRIC_DEFAULT),
				WrappingAlgorithm.RSAES_OAEP_SHA_256, WrappingKeySpec.RSA_2048, ExpirationPolicy.expiresAt(validTo),
				parameters(T0), "alice", T0);
	}

	@Test
	void importedJobIsNextCheckedAtItsValidToAtTheLatestAndBacksOffOnceItPassed() {
		Instant validTo = T0.plus(Duration.ofMinutes(30));
		ImportJob job = expiringJob(validTo);
		job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0);
		job.markImported(new ImportResult(ARN, null), "alice", T0, T0.plus(Duration.ofHours(1)));
		Duration drift = Duration.ofHours(1);
		Duration floor = Duration.ofSeconds(10);
		assertThat(job.nextCheck(T0, drift, floor)).isEqualTo(validTo);
		assertThat(job.nextCheck(validTo.minus(Duration.ofHours(2)), drift, floor))
			.isEqualTo(validTo.minus(Duration.ofHours(1)));
		// past ValidTo while KMS still shows the material: the wait grows with the time
		// overdue, capped
		assertThat(job.nextCheck(validTo, drift, floor)).isEqualTo(validTo.plus(floor));
		assertThat(job.nextCheck(validTo.plusSeconds(100), drift, floor)).isEqualTo(validTo.plusSeconds(200));
		assertThat(job.nextCheck(validTo.plus(Duration.ofDays(1)), drift, floor))
			.isEqualTo(validTo.plus(Duration.ofDays(1)).plus(drift));
	}

	@Test
	void supersededJobIsTerminalAndNamesTheNewerJob() {
		ImportJob job = newJob();
		job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0);
		job.markImported(new ImportResult(ARN, null), "alice", T0, T0.plus(Duration.ofHours(1)));
		ImportJobId newer = ImportJobId.random();
		job.supersede(newer, "system:lifecycle", T0.plusSeconds(5));
		assertThat(job.state()).isEqualTo(ImportJobState.SUPERSEDED);
		assertThat(job.state().isTerminal()).isTrue();
		assertThat(job.events().getLast().toView().cause()).contains("superseded by job " + newer);
	}

	@Test
	void reimportAfterExpiryWaitsFromItsRefreshAndTakesANewValidTo() {
		ImportJob job = expiringJob(T0.plus(Duration.ofDays(3)));
		job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0);
		job.markImported(new ImportResult(ARN, null), "alice", T0, T0.plus(Duration.ofHours(1)));
		Instant expired = T0.plus(Duration.ofDays(40));
		job.expireMaterial("expired", "system", expired);
		job.recordParameters(parameters(expired), "refresh", "alice", expired);
		assertThat(job.waitingSince()).isEqualTo(expired);
		assertThatExceptionOfType(ImportJobException.class)
			.isThrownBy(() -> job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", expired))
			.satisfies(e -> assertThat(e.code()).isEqualTo("valid-to-passed"));

		job.changeExpiration(ExpirationPolicy.expiresAt(expired.plus(Duration.ofDays(30))), "alice", expired);
		job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", expired);
		assertThat(job.state()).isEqualTo(ImportJobState.MATERIAL_WRAPPED);
		assertThat(job.importRequest().validTo()).isEqualTo(expired.plus(Duration.ofDays(30)));
	}

	@ParameterizedTest
	@EnumSource(ImportJobState.class)
	void transitionTableMatchesTheDocumentedLifecycle(ImportJobState state) {
		EnumSet<ImportJobState> expected = switch (state) {
			// MATERIAL_EXPIRED (also from MATERIAL_WRAPPED and PARAMETERS_EXPIRED):
			// abandoned while keeping material in custody that the key takes back
			case PARAMETERS_FETCHED -> EnumSet.of(ImportJobState.PARAMETERS_FETCHED, ImportJobState.MATERIAL_WRAPPED,
					ImportJobState.REPLICATING, ImportJobState.IMPORTED, ImportJobState.IMPORTED_PENDING_ROTATION,
					ImportJobState.PARAMETERS_EXPIRED, ImportJobState.MATERIAL_EXPIRED, ImportJobState.FAILED,
					ImportJobState.CANCELLED);
			case MATERIAL_WRAPPED -> EnumSet.of(ImportJobState.MATERIAL_WRAPPED, ImportJobState.REPLICATING,
					ImportJobState.IMPORTED, ImportJobState.IMPORTED_PENDING_ROTATION,
					ImportJobState.PARAMETERS_FETCHED, ImportJobState.PARAMETERS_EXPIRED,
					ImportJobState.MATERIAL_EXPIRED, ImportJobState.FAILED, ImportJobState.CANCELLED);
			// MATERIAL_EXPIRED: the ValidTo passed before every replica took the material
			case REPLICATING -> EnumSet.of(ImportJobState.IMPORTED, ImportJobState.MATERIAL_EXPIRED,
					ImportJobState.SUPERSEDED, ImportJobState.FAILED);
			// REPLICATING: a replica lost the material before its ValidTo
			case IMPORTED -> EnumSet.of(ImportJobState.REPLICATING, ImportJobState.MATERIAL_EXPIRED,
					ImportJobState.SUPERSEDED, ImportJobState.FAILED);
			// rotated, or its material left KMS before the rotation
			case IMPORTED_PENDING_ROTATION ->
				EnumSet.of(ImportJobState.IMPORTED, ImportJobState.MATERIAL_EXPIRED, ImportJobState.FAILED);
			case PARAMETERS_EXPIRED -> EnumSet.of(ImportJobState.PARAMETERS_FETCHED, ImportJobState.REPLICATING,
					ImportJobState.IMPORTED, ImportJobState.IMPORTED_PENDING_ROTATION, ImportJobState.MATERIAL_EXPIRED,
					ImportJobState.FAILED, ImportJobState.CANCELLED);
			case MATERIAL_EXPIRED -> EnumSet.of(ImportJobState.PARAMETERS_FETCHED, ImportJobState.SUPERSEDED,
					ImportJobState.FAILED, ImportJobState.CANCELLED);
			case SUPERSEDED, FAILED, CANCELLED -> EnumSet.noneOf(ImportJobState.class);
		};
		for (ImportJobState target : ImportJobState.values()) {
			assertThat(state.canTransitionTo(target)).as(state + " -> " + target).isEqualTo(expected.contains(target));
		}
	}

	@Test
	void callerCannotCancelOrRefreshWhileALiveLeaseHoldsTheJobNorAfterItsHolderDiedUntilKmsAnswers() {
		ImportJob job = newJob();
		job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0);
		Instant during = T0.plusSeconds(30);

		assertThatExceptionOfType(ImportJobException.class).isThrownBy(() -> job.cancelOnRequest("bob", during))
			.satisfies(e -> {
				assertThat(e.code()).isEqualTo("job-busy");
				assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(90));
			});
		assertThatExceptionOfType(ImportJobException.class).isThrownBy(
				() -> job.leaseForRefreshOnRequest(new Lease("other", during.plusSeconds(60)), Duration.ZERO, during))
			.satisfies(e -> assertThat(e.code()).isEqualTo("job-busy"));
		assertThat(job.state()).isEqualTo(ImportJobState.MATERIAL_WRAPPED);

		// once the lease lapsed, its holder died, maybe after KMS took the import: only
		// the retry with the same token tells
		assertThatExceptionOfType(ImportJobException.class).isThrownBy(() -> job.cancelOnRequest("bob", LEASE.until()))
			.satisfies(e -> assertThat(e.code()).isEqualTo("import-outcome-unknown"));
		// KMS's answer to it: the material was not imported, so the job may go
		job.importFailed(KmsErrorCode.INVALID_CIPHERTEXT, "could not decrypt", Duration.ZERO, 8, "system",
				LEASE.until());
		job.cancelOnRequest("bob", LEASE.until());
		assertThat(job.state()).isEqualTo(ImportJobState.CANCELLED);
	}

	@Test
	void refreshOnRequestWaitsForTheCooldownOnlyWhileTheParametersAreUsable() {
		ImportJob job = newJob();
		Duration cooldown = Duration.ofMinutes(5);
		assertThatExceptionOfType(ImportJobException.class)
			.isThrownBy(() -> job.checkRefreshOnRequest(T0.plusSeconds(60), cooldown))
			.satisfies(e -> {
				assertThat(e.code()).isEqualTo("refresh-too-soon");
				assertThat(e.kind()).isEqualTo(DescribedFailure.Kind.TOO_MANY_REQUESTS);
				assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(240));
			});
		job.checkRefreshOnRequest(T0.plus(cooldown), cooldown);
		// expired parameters may always be replaced
		ImportJob expired = newJob();
		expired.expireParameters("system", T0.plus(Duration.ofHours(24)));
		expired.checkRefreshOnRequest(T0.plus(Duration.ofHours(24)), Duration.ofDays(2));
	}

	@Test
	void importAcceptedByKmsIsRecordedFromWhereverTheJobMovedMeanwhile() {
		ImportJob refreshed = newJob();
		refreshed.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0);
		refreshed.recordParameters(parameters(T0), "refreshed after the lease lapsed", "system", T0);
		assertThat(refreshed.recordAcceptedImport(new ImportResult(ARN, "m-1"), "alice", T0, T0)).isTrue();
		assertThat(refreshed.state()).isEqualTo(ImportJobState.IMPORTED);
		assertThat(refreshed.events().getLast().toView().cause()).contains("KMS accepted");

		ImportJob expired = newJob();
		expired.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0);
		expired.expireParameters("system", T0);
		assertThat(expired.recordAcceptedImport(new ImportResult(ARN, null), "alice", T0, T0)).isTrue();
		assertThat(expired.state()).isEqualTo(ImportJobState.IMPORTED);

		ImportJob cancelled = newJob();
		cancelled.cancel("abandoned", "system", T0);
		assertThat(cancelled.recordAcceptedImport(new ImportResult(ARN, null), "alice", T0, T0)).isFalse();
		assertThat(cancelled.state()).isEqualTo(ImportJobState.CANCELLED);
		assertThat(cancelled.events().getLast().toView().errorCode()).isEqualTo("imported-after-cancelled");
	}

	@Test
	void toStringRevealsNoTokenOrMaterial() {
		ImportJob job = newJob();
		job.markWrapped(someCiphertext(), "uploaded", LEASE, "alice", T0);
		assertThat(job.toString()).doesNotContain("9, 9, 9").contains("MATERIAL_WRAPPED");
		assertThat(job.importRequest().toString()).doesNotContain("[9").doesNotContain("importToken");
	}

}
