package io.keyport.custody;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The configured custodians by name: the entry point for callers (import jobs, later).
 */
public final class Custodians {

	private final Map<String, Custodian> custodians;

	Custodians(List<Custodian> custodians) {
		Map<String, Custodian> byName = new TreeMap<>();
		custodians.forEach(custodian -> byName.put(custodian.name(), custodian));
		this.custodians = byName;
	}

	/**
	 * @throws CustodyException {@code UNKNOWN_CUSTODIAN} when none of that name is
	 * configured
	 */
	public Custodian get(String name) {
		Custodian custodian = (name != null) ? this.custodians.get(name) : null;
		if (custodian == null) {
			throw new CustodyException(CustodyException.Reason.UNKNOWN_CUSTODIAN, String.valueOf(name),
					"no custodian '" + name + "' is configured; configured: " + names());
		}
		return custodian;
	}

	/**
	 * The custodian of an existing job (chosen at its creation), or of the referenced
	 * material.
	 * @throws CustodyException {@code REFUSED} when it is no longer configured: the
	 * operators' change, not the caller's mistake
	 */
	public Custodian ofJob(String name) {
		Custodian custodian = (name != null) ? this.custodians.get(name) : null;
		if (custodian == null) {
			throw new CustodyException(CustodyException.Reason.REFUSED, String.valueOf(name),
					"custodian '" + name + "', which keeps this job's material, is no longer configured; configured: "
							+ names() + ". An operator must configure it again (keyport.custody." + name + ".*)");
		}
		return custodian;
	}

	/** The custodian that keeps the referenced material. */
	public Custodian of(CustodyReference reference) {
		return ofJob(reference.custodian());
	}

	public boolean contains(String name) {
		return this.custodians.containsKey(name);
	}

	/** Sorted names. */
	public Collection<String> names() {
		return List.copyOf(this.custodians.keySet());
	}

}
