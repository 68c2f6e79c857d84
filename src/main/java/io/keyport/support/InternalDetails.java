package io.keyport.support;

import java.util.regex.Pattern;

/**
 * What a lower layer's message may carry that the tenant reading a job's history and last
 * error must not: Keyport's own AWS principals (an IAM or STS ARN names the account, the
 * role Keyport assumes and its session, as in AWS's "User: arn:aws:sts::...:
 * assumed-role/... is not authorized") and the endpoints it calls. Operators read the
 * whole text in Keyport's log, which keeps it.
 */
public final class InternalDetails {

	private static final Pattern PRINCIPAL = Pattern.compile("arn:aws[a-z-]*:(?:iam|sts)::[0-9]{12}:[^\\s,;]+");

	private static final Pattern ENDPOINT = Pattern.compile("https?://[^\\s,;]+");

	private InternalDetails() {
	}

	/** The text with Keyport's principals and endpoints replaced by what they are. */
	public static String redacted(String text) {
		if (text == null) {
			return null;
		}
		String withoutPrincipals = PRINCIPAL.matcher(text).replaceAll("[Keyport's AWS principal]");
		return ENDPOINT.matcher(withoutPrincipals).replaceAll("[KMS endpoint]");
	}

}
