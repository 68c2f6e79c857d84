package io.keyport.importjob;

import java.util.UUID;

/** Identity of an import job. */
public record ImportJobId(UUID value) {

	public ImportJobId {
		if (value == null) {
			throw new IllegalArgumentException("id must not be null");
		}
	}

	public static ImportJobId random() {
		return new ImportJobId(UUID.randomUUID());
	}

	@Override
	public String toString() {
		return this.value.toString();
	}

}
