package io.keyport.audit;

import java.util.List;

import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionExecution;
import org.springframework.transaction.TransactionExecutionListener;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Puts the audit entries waiting on a thread into the next read-write transaction it
 * begins, written just before that transaction commits (Spring Boot registers this
 * listener with the transaction manager). The entries count as written only once the
 * commit succeeded; after a rollback they stay pending for the end of the scope.
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
				|| !TransactionSynchronizationManager.isSynchronizationActive() || !this.auditLog.hasPending()) {
			return;
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

			private List<AuditLog.Entry> entries = List.of();

			@Override
			public void beforeCommit(boolean readOnly) {
				this.entries = AuditTransactions.this.auditLog.pendingEntries();
				if (!this.entries.isEmpty()) {
					AuditTransactions.this.auditLog.writeInTransaction(this.entries);
				}
			}

			@Override
			public void afterCompletion(int status) {
				if (status == STATUS_COMMITTED) {
					AuditTransactions.this.auditLog.written(this.entries);
				}
			}

		});
	}

}
