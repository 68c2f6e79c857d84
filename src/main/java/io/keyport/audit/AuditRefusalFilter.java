package io.keyport.audit;

import java.io.IOException;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.MDC;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import io.keyport.security.Caller;
import io.keyport.web.ProblemResponses;

/**
 * Records requests refused before they reached an operation: no or a bad token (401), a
 * missing scope or an unusable tenant claim (403), a body over the limit (413), a client
 * over its rate (429). These are answered by the security filters, the body limit filter
 * or the rate limiter, which the {@link AuditInterceptor} never sees. The row names the
 * status and the problem's code, never the body. Runs after the request id and before
 * everything else.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class AuditRefusalFilter extends OncePerRequestFilter {

	private static final Set<Integer> REFUSALS = Set.of(401, 403, 413, 429);

	private final AuditLog auditLog;

	AuditRefusalFilter(AuditLog auditLog) {
		this.auditLog = auditLog;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		MDC.put(AuditLog.MDC_REMOTE_ADDR, request.getRemoteAddr());
		try {
			chain.doFilter(request, response);
		}
		finally {
			try {
				if (REFUSALS.contains(response.getStatus())
						&& request.getAttribute(AuditInterceptor.RECORDED) == null) {
					Object code = request.getAttribute(ProblemResponses.CODE_ATTRIBUTE);
					Caller caller = request.getAttribute(Caller.REQUEST_ATTRIBUTE) instanceof Caller known ? known
							: Caller.anonymous();
					// the job the path names, where it got as far as a route
					this.auditLog.record(caller, AuditOperations.REFUSED, AuditInterceptor.pathVariable(request, "id"),
							null, String.valueOf(response.getStatus()), (code != null ? code : "refused") + ": "
									+ request.getMethod() + " " + request.getRequestURI());
				}
			}
			finally {
				MDC.remove(AuditLog.MDC_REMOTE_ADDR);
			}
		}
	}

}
