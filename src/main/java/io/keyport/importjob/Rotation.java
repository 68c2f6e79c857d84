package io.keyport.importjob;

import java.time.Instant;

/**
 * How a rotation job makes its new material the key's current one once KMS holds it (AWS
 * RotateKeyOnDemand).
 *
 * @param when the moment of the rotation
 * @param at with {@link When#AT}: when the scheduler rotates (at once if the import comes
 * later), else {@code null}
 */
public record Rotation(When when, Instant at) {

	/** The default of a rotation job: rotated right after its import. */
	public static final Rotation ON_IMPORT = new Rotation(When.ON_IMPORT, null);

	public enum When {

		/** Right after the import, by the request or scheduler run that imported. */
		ON_IMPORT,

		/** By the scheduler at {@link Rotation#at}. */
		AT,

		/** Only on request: {@code POST /api/v1/import-jobs/{id}/rotation}. */
		BY_API

	}

}
