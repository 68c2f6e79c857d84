package io.keyport.importjob;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

import io.keyport.support.InternalDetails;

/**
 * One transition in a job's history. Rows are append-only (the database refuses updates
 * and deletes).
 */
@Entity
@Table(name = "import_job_event")
class ImportJobEvent {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private Long id;

	@ManyToOne(fetch = FetchType.LAZY, optional = false)
	@JoinColumn(name = "job_id", nullable = false, updatable = false)
	private ImportJob job;

	/** The entry's place in its job's history, from 1. */
	@Column(name = "job_sequence", nullable = false, updatable = false)
	private int sequence;

	@Enumerated(EnumType.STRING)
	@Column(updatable = false)
	private ImportJobState fromState;

	@Enumerated(EnumType.STRING)
	@Column(nullable = false, updatable = false)
	private ImportJobState toState;

	@Column(nullable = false, updatable = false)
	private String cause;

	@Column(updatable = false)
	private String errorCode;

	@Column(nullable = false, updatable = false)
	private String actor;

	@Column(nullable = false, updatable = false)
	private Instant occurredAt;

	protected ImportJobEvent() {
		// for JPA
	}

	ImportJobEvent(ImportJob job, int sequence, ImportJobState fromState, ImportJobState toState, String cause,
			String errorCode, String actor, Instant occurredAt) {
		this.job = job;
		this.sequence = sequence;
		this.fromState = fromState;
		this.toState = toState;
		// read by the job's tenant: without Keyport's own principals or endpoints
		String redacted = InternalDetails.redacted(cause);
		this.cause = redacted.length() <= 2000 ? redacted : redacted.substring(0, 2000);
		this.errorCode = errorCode;
		this.actor = actor;
		this.occurredAt = occurredAt;
	}

	ImportJobEventView toView() {
		return new ImportJobEventView((long) this.sequence, this.fromState, this.toState, this.cause, this.errorCode,
				this.actor, this.occurredAt);
	}

}
