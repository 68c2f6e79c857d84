package io.keyport.security;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** Who is acting, for job history and logs. */
public final class CurrentActor {

	/** The actor recorded for work the service does on its own (schedulers). */
	public static final String SYSTEM = "system";

	private CurrentActor() {
	}

	public static String name() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null || authentication instanceof AnonymousAuthenticationToken
				|| !authentication.isAuthenticated()) {
			return "anonymous";
		}
		return authentication.getName();
	}

}
