package io.keyport.importjob;

import io.keyport.support.Sentences;

/** A job was asked to do something its state does not allow. */
public class IllegalTransitionException extends ImportJobException {

	private final ImportJobState from;

	private final ImportJobState to;

	IllegalTransitionException(ImportJobId jobId, ImportJobState from, ImportJobState to, String action) {
		super("illegal-state-transition", jobId, from,
				"Cannot " + action + " a job in state " + from + " (it would move to " + to + "); from " + from
						+ " a job may move to "
						+ (from.isTerminal() ? "no other state" : Sentences.list(from.allowedTargets())) + ".");
		this.from = from;
		this.to = to;
	}

	public ImportJobState from() {
		return this.from;
	}

	public ImportJobState to() {
		return this.to;
	}

}
