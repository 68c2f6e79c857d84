package io.keyport.audit;

import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionExecution;
import org.springframework.transaction.TransactionExecutionListener;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Puts the audit entries waiting on a thread into the next read-write transaction it
 * begins, written just before that transaction commits (Spring Boot registers this
 * listener with the transaction manager), and with them the request's own entry when that
 * transaction settles the request ({@link AuditLog#settleRequestWithNextChange}). The
 * entries count as written only once the commit succeeded; after a rollback they stay
 * pending for the end of the scope.
 */
@Component
class AuditTransactions implements TransactionExecutionListener {

	private final AuditLog auditLog;

	AuditTransactions(AuditLog auditLog) {
		this.auditLog = auditLog;
	}

	@Override
	public void afterBegin(TransactionExecution transaction, Throwable beginFailure) {
		if (beginFailure != null || transaction.isReadOnly() || !transaction.isNewTransaction()
				|| !TransactionSynchronizationManager.isSynchronizationActive()
				|| !(this.auditLog.hasPending() || this.auditLog.settlesWithNextChange())) {
			return;
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

			private List<AuditLog.Entry> entries = List.of();

			private boolean settles;

			@Override
			public void beforeCommit(boolean readOnly) {
				this.entries = AuditTransactions.this.auditLog.pendingEntries();
				AuditLog.Entry request = AuditTransactions.this.auditLog.settlingEntry();
				this.settles = request != null;
				List<AuditLog.Entry> written = this.entries;
				if (request != null) {
					written = new ArrayList<>(this.entries);
					written.add(request);
				}
				if (!written.isEmpty()) {
					AuditTransactions.this.auditLog.writeInTransaction(written);
				}
			}

			@Override
			public void afterCompletion(int status) {
				if (status == STATUS_COMMITTED) {
					AuditTransactions.this.auditLog.written(this.entries);
				}
				// also after a rollback before beforeCommit: the request is then recorded
				// as it ends, never by a later change
				AuditTransactions.this.auditLog.settlingEnded(status == STATUS_COMMITTED && this.settles);
			}

		});
	}

}
