package io.keyport.custody;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a custodian keeps one material: the custodian's name and its opaque id (a row id,
 * an HSM object label). Safe to store with a job and to log; it reveals nothing of the
 * material.
 *
 * @param custodian the custodian's configured name ({@code keyport.custody.<name>})
 * @param id opaque to everyone but the custodian
 */
public record CustodyReference(String custodian, String id) {

	private static final Pattern ID = Pattern.compile("[A-Za-z0-9:._-]{1,128}");

	public CustodyReference {
		Objects.requireNonNull(custodian, "custodian");
		Objects.requireNonNull(id, "id");
		if (!ID.matcher(id).matches()) {
			throw new IllegalArgumentException("custody id must be 1 to 128 letters, digits or :._-");
		}
	}

}
