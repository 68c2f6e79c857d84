package io.keyport.custody;

import java.util.Map;
import java.util.regex.Pattern;

import jakarta.validation.Valid;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The configured custodians, {@code keyport.custody.<name>.*}; none by default (custody
 * off).
 *
 * @param custody custodians by name: lower-case letters, digits and hyphens, at most 63
 */
@Validated
@ConfigurationProperties("keyport")
public record CustodyProperties(Map<String, @Valid CustodianSettings> custody) {

	static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

	public CustodyProperties {
		custody = (custody != null) ? Map.copyOf(custody) : Map.of();
		custody.keySet().forEach(name -> {
			if (!NAME.matcher(name).matches()) {
				throw new IllegalArgumentException("keyport.custody." + name
						+ ": a custodian name is lower-case letters, digits and hyphens (at most 63)");
			}
		});
	}

}
