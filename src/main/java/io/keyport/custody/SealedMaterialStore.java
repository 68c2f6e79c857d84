package io.keyport.custody;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The {@code custody_material} rows of the custodians that keep material encrypted in the
 * database. Holds ciphertext only; each statement is its own short transaction (no KMS
 * call runs inside one).
 */
class SealedMaterialStore {

	private final JdbcClient jdbc;

	private final Clock clock;

	SealedMaterialStore(JdbcClient jdbc, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
	}

	/** One kept material; {@code kmsKeyId} and {@code encryptedDataKey} for envelopes. */
	record Row(UUID id, String custodian, String keySpec, String kmsTarget, String kmsKeyId, byte[] encryptedDataKey,
			byte[] nonce, byte[] ciphertext) {

		@Override
		public String toString() {
			return "SealedMaterial[" + this.id + ", " + this.custodian + "]";
		}

	}

	void insert(Row row) {
		this.jdbc.sql("""
				insert into custody_material (id, custodian, key_spec, kms_target, kms_key_id, encrypted_data_key,
				    nonce, ciphertext, created_at)
				values (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
			.params(row.id(), row.custodian(), row.keySpec(), row.kmsTarget(), row.kmsKeyId(), row.encryptedDataKey(),
					row.nonce(), row.ciphertext(), java.sql.Timestamp.from(this.clock.instant()))
			.update();
	}

	Optional<Row> find(String custodian, UUID id) {
		return this.jdbc.sql("""
				select id, custodian, key_spec, kms_target, kms_key_id, encrypted_data_key, nonce, ciphertext
				from custody_material where id = ? and custodian = ?""")
			.params(id, custodian)
			.query((rs, n) -> new Row(rs.getObject("id", UUID.class), rs.getString("custodian"),
					rs.getString("key_spec"), rs.getString("kms_target"), rs.getString("kms_key_id"),
					rs.getBytes("encrypted_data_key"), rs.getBytes("nonce"), rs.getBytes("ciphertext")))
			.optional();
	}

	void delete(String custodian, UUID id) {
		this.jdbc.sql("delete from custody_material where id = ? and custodian = ?").params(id, custodian).update();
	}

	/**
	 * The GCM additional data of a row: a row copied under another id, custodian or key
	 * spec does not open.
	 */
	static byte[] additionalData(String custodian, UUID id, String keySpec) {
		return ("keyport-custody\0" + custodian + "\0" + id + "\0" + keySpec).getBytes(StandardCharsets.UTF_8);
	}

	/** The id of a reference to this store, or MATERIAL_NOT_FOUND. */
	static UUID id(CustodyReference reference) {
		try {
			return UUID.fromString(reference.id());
		}
		catch (IllegalArgumentException ex) {
			throw new CustodyException(CustodyException.Reason.MATERIAL_NOT_FOUND, reference.custodian(),
					"custody id " + reference.id() + " is not one of custodian " + reference.custodian());
		}
	}

}
