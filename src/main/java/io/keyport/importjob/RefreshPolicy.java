package io.keyport.importjob;

/**
 * How a waiting job's parameters (wrapping key and import token, valid 24 hours) are kept
 * usable. Every download costs one call of the account's scarce GetParametersForImport
 * quota.
 */
public enum RefreshPolicy {

	/**
	 * The scheduler refreshes the parameters before they lapse, so they are always valid
	 * (about one download a day per job, whether or not material ever comes).
	 */
	EAGER,

	/**
	 * The scheduler never downloads parameters for the job; once they lapsed, a client's
	 * request for the wrapping key or plaintext upload downloads new ones right then.
	 * Idle jobs cost nothing.
	 */
	ON_DEMAND

}
