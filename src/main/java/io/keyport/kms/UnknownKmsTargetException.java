package io.keyport.kms;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import io.keyport.support.DescribedFailure;

/** A request named a KMS target that is not configured. */
public class UnknownKmsTargetException extends RuntimeException implements DescribedFailure {

	public static final String CODE = "unknown-kms-target";

	private final Collection<String> configured;

	public UnknownKmsTargetException(String name, Collection<String> configured) {
		super("KMS target '" + name + "' is not configured; the configured targets are " + String.join(", ", configured)
				+ ".");
		this.configured = configured;
	}

	@Override
	public Kind kind() {
		return Kind.BAD_REQUEST;
	}

	@Override
	public String code() {
		return CODE;
	}

	@Override
	public String detail() {
		return getMessage();
	}

	@Override
	public Map<String, Object> problemMembers() {
		return Map.of("targets", List.copyOf(this.configured));
	}

}
