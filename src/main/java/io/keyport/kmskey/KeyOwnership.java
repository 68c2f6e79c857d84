package io.keyport.kmskey;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.keyport.audit.AuditLog;
import io.keyport.security.Caller;

/**
 * Which tenant a KMS key belongs to. A key belongs to a tenant only when that tenant
 * created it through Keyport or an administrator assigned it; a key nobody owns (made
 * elsewhere in the account, or managed by AWS) does not exist for tenants, and another
 * tenant's key is answered exactly like a missing one, so one platform can neither
 * inspect nor import into another's keys, nor learn which keys exist
 * ({@link KmsKeyException#keyNotFound(String)}).
 */
@Component
public class KeyOwnership {

	private final JdbcTemplate jdbc;

	private final Clock clock;

	private final TransactionTemplate tx;

	KeyOwnership(JdbcTemplate jdbc, Clock clock, PlatformTransactionManager transactionManager) {
		this.jdbc = jdbc;
		this.clock = clock;
		this.tx = new TransactionTemplate(transactionManager);
	}

	/**
	 * Records a key the caller's tenant just created as its own, in a transaction of its
	 * own: the audit entry of the CreateKey call goes in with it.
	 */
	public void claimCreated(String target, String keyArn, Caller caller) {
		this.tx.executeWithoutResult(status -> insert(target, keyArn, caller.tenant(), caller));
	}

	/** The outcome of an administrator's assignment. */
	public enum Assignment {

		/** The key had no owner and now belongs to the tenant. */
		ASSIGNED,

		/** The key already belonged to the tenant. */
		UNCHANGED,

		/** The key belongs to another tenant; nothing changed. */
		OWNED_BY_ANOTHER

	}

	/**
	 * Gives a key nobody owns to a tenant; an owned key keeps its owner (no silent
	 * transfer between tenants).
	 */
	public Assignment assign(String target, String keyArn, String tenant, Caller admin) {
		// the owner and the request's audit entry commit together: a tenant never gets a
		// key without the record of who gave it
		AuditLog.settleRequestWithNextChange();
		return this.tx.execute(status -> {
			if (insert(target, keyArn, tenant, admin)) {
				return Assignment.ASSIGNED;
			}
			if (tenant.equals(owner(keyArn))) {
				return Assignment.UNCHANGED;
			}
			// refused: nothing to commit, and the request is recorded as it ends, with
			// its refusal
			status.setRollbackOnly();
			return Assignment.OWNED_BY_ANOTHER;
		});
	}

	/** Whether the caller's tenant owns the key: required to import into it. */
	public boolean owns(String keyArn, Caller caller) {
		String owner = owner(keyArn);
		return owner != null && caller.mayAccess(owner, false);
	}

	/**
	 * Whether the caller may see the key: its tenant owns it, or the caller is an admin
	 * (who sees every key).
	 */
	public boolean visible(String keyArn, Caller caller) {
		if (caller.isAdmin()) {
			return true;
		}
		String owner = owner(keyArn);
		return owner != null && caller.mayAccess(owner, true);
	}

	/** The owning tenant, or {@code null}. */
	public String owner(String keyArn) {
		List<String> owners = this.jdbc.queryForList("select tenant from kms_key_owner where kms_key_arn = ?",
				String.class, keyArn);
		return owners.isEmpty() ? null : owners.getFirst();
	}

	/**
	 * Keys are owned by their resource name (an AWS ARN names account and region; a
	 * Huawei resource name its account and region), unique across targets; the target is
	 * kept beside it.
	 */
	private boolean insert(String target, String keyArn, String tenant, Caller by) {
		return this.jdbc.update("""
				insert into kms_key_owner (kms_key_arn, tenant, claimed_by, claimed_at, kms_target)
				values (?, ?, ?, ?, ?)
				on conflict (kms_key_arn) do nothing""", keyArn, tenant, by.actor(),
				Timestamp.from(this.clock.instant()), target) == 1;
	}

}
