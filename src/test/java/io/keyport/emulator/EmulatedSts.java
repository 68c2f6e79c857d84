package io.keyport.emulator;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * STS {@code AssumeRole} as the KMS emulator answers it (query protocol, XML), for
 * targets that reach another account through a role. Roles are trusted explicitly, each
 * with the external id its trust policy requires; anything else is AccessDenied as in
 * AWS. The credentials issued name their account in the access key id
 * ({@code ASIA<account><4 characters>}), which is how the emulator's KMS tells the
 * accounts of its callers apart (see {@link #accountOf(String, String)}).
 */
final class EmulatedSts {

	static final String NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final Pattern ROLE_ARN = Pattern
		.compile("arn:(aws[a-z-]*):iam::(\\d{12}):role/([\\w+=,.@/-]{1,512})");

	private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");

	private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");

	/** Access key ids of issued credentials: {@code ASIA}, the account, 4 more. */
	private static final Pattern SESSION_ACCESS_KEY = Pattern.compile("ASIA(\\d{12})[A-Z0-9]{4}");

	private static final char[] KEY_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

	/** AWS's bounds; 3600 s is a role's default maximum session duration. */
	private static final Duration MIN_DURATION = Duration.ofMinutes(15);

	private static final Duration MAX_DURATION = Duration.ofHours(1);

	/** A session the emulator issued (no secrets kept). */
	record Session(String accessKeyId, String accountId, String roleArn, String sessionName, Instant expiration) {
	}

	/**
	 * An STS error on the wire: {@code <Error><Type>, <Code>, <Message>} and a status.
	 */
	static final class StsError extends RuntimeException {

		private final String code;

		private final int status;

		StsError(String code, int status, String message) {
			super(message, null, false, false);
			this.code = code;
			this.status = status;
		}

		String code() {
			return this.code;
		}

		int status() {
			return this.status;
		}

	}

	private final Supplier<Instant> clock;

	/** Role ARN to the external id its trust policy requires ("" for none). */
	private final Map<String, String> trustedRoles = new ConcurrentHashMap<>();

	private final List<Session> sessions = new CopyOnWriteArrayList<>();

	private final AtomicLong assumeRoleCalls = new AtomicLong();

	EmulatedSts(Supplier<Instant> clock) {
		this.clock = clock;
	}

	/**
	 * The account of a caller's access key id: the role's account for credentials this
	 * STS issued, the default account for any other key.
	 */
	static String accountOf(String accessKeyId, String defaultAccount) {
		if (accessKeyId != null) {
			Matcher matcher = SESSION_ACCESS_KEY.matcher(accessKeyId);
			if (matcher.matches()) {
				return matcher.group(1);
			}
		}
		return defaultAccount;
	}

	void trustRole(String roleArn, String externalId) {
		if (!ROLE_ARN.matcher(roleArn).matches()) {
			throw new IllegalArgumentException("Not a role ARN: " + roleArn);
		}
		this.trustedRoles.put(roleArn, externalId != null ? externalId : "");
	}

	void distrustRole(String roleArn) {
		this.trustedRoles.remove(roleArn);
	}

	long assumeRoleCalls() {
		return this.assumeRoleCalls.get();
	}

	List<Session> sessions() {
		return List.copyOf(this.sessions);
	}

	/** Forgets calls and sessions; trusted roles (configuration) stay. */
	void reset() {
		this.assumeRoleCalls.set(0);
		this.sessions.clear();
	}

	/**
	 * Answers one query-protocol request.
	 * @param callerAccount the account of the calling credentials, for messages
	 * @return the XML response body
	 */
	String handle(Map<String, String> form, String callerAccount) {
		String action = form.get("Action");
		if (action == null) {
			throw new StsError("MissingAction", 400, "Missing Action");
		}
		if ("GetCallerIdentity".equals(action)) {
			return getCallerIdentity(callerAccount);
		}
		if (!"AssumeRole".equals(action)) {
			throw new StsError("InvalidAction", 400,
					"Could not find operation " + action + " for version " + form.get("Version"));
		}
		this.assumeRoleCalls.incrementAndGet();
		return assumeRole(form, callerAccount);
	}

	/** The calling credentials' account, as AWS answers it (no permission needed). */
	private static String getCallerIdentity(String callerAccount) {
		return "<GetCallerIdentityResponse xmlns=\"" + NAMESPACE + "\"><GetCallerIdentityResult><Arn>arn:aws:iam::"
				+ callerAccount + ":user/keyport</Arn><UserId>AIDA" + randomKeyCharacters(17) + "</UserId><Account>"
				+ callerAccount + "</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>"
				+ UUID.randomUUID() + "</RequestId></ResponseMetadata></GetCallerIdentityResponse>";
	}

	private String assumeRole(Map<String, String> form, String callerAccount) {
		String roleArn = required(form, "RoleArn");
		String sessionName = required(form, "RoleSessionName");
		String externalId = form.get("ExternalId");
		Matcher role = ROLE_ARN.matcher(roleArn);
		if (!role.matches()) {
			throw validation("Value '" + roleArn + "' at 'roleArn' failed to satisfy constraint: "
					+ "Member must be an IAM role ARN");
		}
		if (!SESSION_NAME.matcher(sessionName).matches()) {
			throw validation("Value '" + sessionName + "' at 'roleSessionName' failed to satisfy constraint: "
					+ "Member must satisfy regular expression pattern: [\\w+=,.@-]*");
		}
		if (externalId != null && !EXTERNAL_ID.matcher(externalId).matches()) {
			throw validation("Value at 'externalId' failed to satisfy constraint: "
					+ "Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*");
		}
		Duration duration = duration(form.get("DurationSeconds"));
		String required = this.trustedRoles.get(roleArn);
		if (required == null || !required.isEmpty() && !required.equals(externalId)) {
			// AWS says the same for an untrusted caller and a wrong or missing external
			// id
			throw new StsError("AccessDenied", 403, "User: arn:aws:iam::" + callerAccount
					+ ":user/keyport is not authorized to perform: sts:AssumeRole on resource: " + roleArn);
		}
		String account = role.group(2);
		String roleName = role.group(3).substring(role.group(3).lastIndexOf('/') + 1);
		String accessKeyId = "ASIA" + account + randomKeyCharacters(4);
		Instant expiration = this.clock.get().plus(duration).truncatedTo(ChronoUnit.SECONDS);
		this.sessions.add(new Session(accessKeyId, account, roleArn, sessionName, expiration));
		String roleId = "AROA" + randomKeyCharacters(17);
		return "<AssumeRoleResponse xmlns=\"" + NAMESPACE + "\"><AssumeRoleResult>" + "<AssumedRoleUser><Arn>arn:"
				+ role.group(1) + ":sts::" + account + ":assumed-role/" + xml(roleName) + "/" + xml(sessionName)
				+ "</Arn><AssumedRoleId>" + roleId + ":" + xml(sessionName) + "</AssumedRoleId></AssumedRoleUser>"
				+ "<Credentials><AccessKeyId>" + accessKeyId + "</AccessKeyId><SecretAccessKey>" + randomSecret(30)
				+ "</SecretAccessKey><SessionToken>" + randomSecret(120) + "</SessionToken><Expiration>" + expiration
				+ "</Expiration></Credentials><PackedPolicySize>0</PackedPolicySize></AssumeRoleResult>"
				+ "<ResponseMetadata><RequestId>" + UUID.randomUUID() + "</RequestId></ResponseMetadata>"
				+ "</AssumeRoleResponse>";
	}

	private static Duration duration(String value) {
		if (value == null) {
			return MAX_DURATION;
		}
		long seconds;
		try {
			seconds = Long.parseLong(value);
		}
		catch (NumberFormatException ex) {
			throw validation("Value '" + value + "' at 'durationSeconds' failed to satisfy constraint: "
					+ "Member must be a number");
		}
		if (seconds < MIN_DURATION.toSeconds()) {
			throw validation("Value '" + seconds + "' at 'durationSeconds' failed to satisfy constraint: "
					+ "Member must have value greater than or equal to 900");
		}
		if (seconds > MAX_DURATION.toSeconds()) {
			throw new StsError("ValidationError", 400,
					"The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
		}
		return Duration.ofSeconds(seconds);
	}

	private static String required(Map<String, String> form, String name) {
		String value = form.get(name);
		if (value == null || value.isEmpty()) {
			throw new StsError("MissingParameter", 400, "The request must contain the parameter " + name);
		}
		return value;
	}

	private static StsError validation(String detail) {
		return new StsError("ValidationError", 400, "1 validation error detected: " + detail);
	}

	/** The XML error body of the query protocol. */
	static String errorBody(StsError error) {
		String type = error.status() >= 500 ? "Receiver" : "Sender";
		return "<ErrorResponse xmlns=\"" + NAMESPACE + "\"><Error><Type>" + type + "</Type><Code>" + error.code()
				+ "</Code><Message>" + xml(error.getMessage()) + "</Message></Error><RequestId>" + UUID.randomUUID()
				+ "</RequestId></ErrorResponse>";
	}

	static String xml(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
	}

	private static String randomKeyCharacters(int length) {
		StringBuilder builder = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			builder.append(KEY_CHARACTERS[RANDOM.nextInt(KEY_CHARACTERS.length)]);
		}
		return builder.toString();
	}

	private static String randomSecret(int bytes) {
		byte[] random = new byte[bytes];
		RANDOM.nextBytes(random);
		return Base64.getEncoder().encodeToString(random);
	}

	static Optional<String> accessKeyIdOf(String authorization) {
		// AWS4-HMAC-SHA256 Credential=<access key
		// id>/<date>/<region>/<service>/aws4_request, ...
		if (authorization == null) {
			return Optional.empty();
		}
		int start = authorization.indexOf("Credential=");
		if (start < 0) {
			return Optional.empty();
		}
		start += "Credential=".length();
		int end = authorization.indexOf('/', start);
		return end > start ? Optional.of(authorization.substring(start, end)) : Optional.empty();
	}

}
