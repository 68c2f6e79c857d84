package io.keyport.custody;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.validation.Valid;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The configured custodians, {@code keyport.custody.<name>.*}; none by default (custody
 * off).
 *
 * @param custody custodians by name: lower-case letters, digits and hyphens, at most 63;
 * {@value #RENEWAL} is reserved
 */
@Validated
@ConfigurationProperties("keyport")
public record CustodyProperties(Map<String, @Valid CustodianSettings> custody) {

	static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

	/**
	 * {@code keyport.custody.renewal.*} is the re-import policy of jobs in custody, not a
	 * custodian.
	 */
	public static final String RENEWAL = "renewal";

	public CustodyProperties {
		Map<String, CustodianSettings> custodians = new HashMap<>((custody != null) ? custody : Map.of());
		custodians.remove(RENEWAL);
		custody = Map.copyOf(custodians);
		custody.keySet().forEach(name -> {
			if (!NAME.matcher(name).matches()) {
				throw new IllegalArgumentException("keyport.custody." + name
						+ ": a custodian name is lower-case letters, digits and hyphens (at most 63)");
			}
		});
	}

}
