package io.keyport.security;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Which tenant a KMS key belongs to. The tenant that first creates or imports into a key through Keyport owns it;
 * other tenants are told the key does not exist, so one platform cannot import into or inspect another's keys.
 */
@Component
public class KeyOwnership {

	private final JdbcTemplate jdbc;

	private final Clock clock;

	KeyOwnership(JdbcTemplate jdbc, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
	}

	/** Claims the key for the caller's tenant unless someone owns it; whether the caller's tenant owns it now. */
	public boolean claim(String keyArn, Caller caller) {
		this.jdbc.update("""
				insert into kms_key_owner (kms_key_arn, tenant, claimed_by, claimed_at) values (?, ?, ?, ?)
				on conflict (kms_key_arn) do nothing""", keyArn, caller.tenant(), caller.actor(),
				Timestamp.from(this.clock.instant()));
		return caller.tenant().equals(owner(keyArn));
	}

	/** Whether the caller may see the key: its tenant owns it, nobody owns it yet, or the caller is an admin. */
	public boolean visible(String keyArn, Caller caller) {
		String owner = owner(keyArn);
		return owner == null || owner.equals(caller.tenant()) || caller.isAdmin();
	}

	private String owner(String keyArn) {
		List<String> owners = this.jdbc.queryForList("select tenant from kms_key_owner where kms_key_arn = ?",
				String.class, keyArn);
		return owners.isEmpty() ? null : owners.getFirst();
	}

}
