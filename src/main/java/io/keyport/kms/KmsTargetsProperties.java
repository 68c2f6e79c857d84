package io.keyport.kms;

import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The KMS targets Keyport imports into ({@code keyport.kms.targets.<name>.*}) and the
 * default one. With none configured there is one implicit AWS target named
 * {@value KmsTargets#IMPLICIT}, configured by {@code keyport.kms.aws.*} and the SDK's
 * environment, exactly as before targets existed.
 *
 * @param defaultTarget the target of keys and jobs that name none; required when more
 * than one target is configured
 * @param targets by name: lower-case letters, digits and hyphens, at most 63
 * @param maxCallsInFlight KMS calls of all targets this instance waits for at once (the
 * pace's wait included); beyond them a call is refused at once as throttled, so a slow
 * KMS cannot take every server thread ({@link KmsCallsInFlight})
 */
@Validated
@ConfigurationProperties("keyport.kms")
public record KmsTargetsProperties(String defaultTarget, Map<String, @Valid KmsTargetSettings> targets,
		@DefaultValue("64") @Min(1) int maxCallsInFlight) {

	static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

	public KmsTargetsProperties {
		targets = targets != null ? Map.copyOf(targets) : Map.of();
		targets.keySet().forEach(name -> {
			if (!NAME.matcher(name).matches()) {
				throw new IllegalArgumentException("keyport.kms.targets." + name
						+ ": a target name is lower-case letters, digits and hyphens (at most 63)");
			}
		});
	}

	/**
	 * The configured targets, or the implicit AWS target when there are none.
	 */
	Map<String, KmsTargetSettings> effectiveTargets() {
		return this.targets.isEmpty() ? Map.of(KmsTargets.IMPLICIT, KmsTargetSettings.implicitAws()) : this.targets;
	}

	/** The default target's name. */
	String effectiveDefault() {
		if (this.defaultTarget != null && !this.defaultTarget.isBlank()) {
			return this.defaultTarget;
		}
		Map<String, KmsTargetSettings> effective = effectiveTargets();
		if (effective.size() == 1) {
			return effective.keySet().iterator().next();
		}
		throw new IllegalStateException("keyport.kms.default-target must name one of the configured targets "
				+ new TreeSet<>(effective.keySet()));
	}

}
