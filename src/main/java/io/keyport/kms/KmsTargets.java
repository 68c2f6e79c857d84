package io.keyport.kms;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configured KMS targets by name, and the default one. Every key and job belongs to
 * exactly one target; every KMS call goes to the target of the key or job it is for.
 */
public final class KmsTargets {

	/** The name of the implicit AWS target when no targets are configured. */
	public static final String IMPLICIT = "default";

	private final Map<String, KmsTarget> targets;

	/** Sorted by name once: the registry never changes. */
	private final List<KmsTarget> sorted;

	private final List<String> names;

	private final String defaultName;

	private final List<List<KmsTarget>> quotaScopes;

	public KmsTargets(List<KmsTarget> targets, String defaultName) {
		Map<String, KmsTarget> byName = new LinkedHashMap<>();
		targets.forEach(target -> byName.put(target.name(), target));
		if (!byName.containsKey(defaultName)) {
			throw new IllegalStateException("keyport.kms.default-target names '" + defaultName
					+ "', which is not among the configured targets " + byName.keySet());
		}
		this.targets = Map.copyOf(byName);
		this.sorted = byName.values().stream().sorted(Comparator.comparing(KmsTarget::name)).toList();
		this.names = this.sorted.stream().map(KmsTarget::name).toList();
		this.defaultName = defaultName;
		Map<String, List<KmsTarget>> byScope = new LinkedHashMap<>();
		this.sorted
			.forEach(target -> byScope.computeIfAbsent(target.quotaScope(), scope -> new ArrayList<>()).add(target));
		this.quotaScopes = byScope.values().stream().map(List::copyOf).toList();
	}

	/**
	 * The target of that name; the default target for {@code null} or blank.
	 * @throws UnknownKmsTargetException when no such target is configured
	 */
	public KmsTarget get(String name) {
		if (name == null || name.isBlank()) {
			return defaultTarget();
		}
		KmsTarget target = this.targets.get(name);
		if (target == null) {
			throw new UnknownKmsTargetException(name, names());
		}
		return target;
	}

	public KmsTarget defaultTarget() {
		return this.targets.get(this.defaultName);
	}

	public boolean contains(String name) {
		return this.targets.containsKey(name);
	}

	/** Every target, sorted by name. */
	public List<KmsTarget> all() {
		return this.sorted;
	}

	public Collection<String> names() {
		return this.names;
	}

	/**
	 * The targets grouped by quota scope, each group sorted by name and the groups by
	 * their first target's name: what shares one pace and one GetParametersForImport
	 * budget.
	 */
	public List<List<KmsTarget>> quotaScopes() {
		return this.quotaScopes;
	}

}
