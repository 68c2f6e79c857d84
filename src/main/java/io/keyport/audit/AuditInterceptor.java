package io.keyport.audit;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.MDC;

import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerMapping;

import io.keyport.kms.KmsTargets;
import io.keyport.security.Caller;
import io.keyport.web.ApiInterceptor;
import io.keyport.web.ProblemResponses;

/**
 * Records every state-changing API call (anything but GET and HEAD) under its
 * {@link AuditOperations operation name} with its outcome, and puts the job id of the
 * request into the logging context so KMS calls made for it are attributed to the job.
 */
@Component
@Order(2)
class AuditInterceptor implements ApiInterceptor {

	/**
	 * Set once the call is recorded, so {@link AuditRefusalFilter} does not record it
	 * again.
	 */
	static final String RECORDED = AuditInterceptor.class.getName() + ".recorded";

	private final AuditLog auditLog;

	private final KmsTargets targets;

	/** Whether a handler method takes the {@code target} query parameter, by method. */
	private final Map<Method, Boolean> takesTarget = new ConcurrentHashMap<>();

	AuditInterceptor(AuditLog auditLog, KmsTargets targets) {
		this.auditLog = auditLog;
		this.targets = targets;
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
		// the request's entries are written with its changes, or together at its end
		this.auditLog.openScope();
		// a refusal after this point (a GET's 429 for the KMS quota) is recorded by the
		// refusal filter, which must name the caller, not an anonymous one
		request.setAttribute(Caller.REQUEST_ATTRIBUTE, caller());
		String jobId = pathVariable(request, "id");
		if (jobId != null) {
			MDC.put(AuditLog.MDC_JOB_ID, jobId);
		}
		String target = queryTarget(request, handler);
		if (target != null) {
			// a body's target is put by the service that resolves it
			MDC.put(AuditLog.MDC_KMS_TARGET, target);
		}
		if (audited(request)) {
			String operation = operation(request);
			// the entry as it reads if the call succeeds, for the service to record with
			// its last change where its operation has an outcome on success, and to name
			// what the path does not
			this.auditLog.expectRequest(caller(), operation, jobId, pathVariable(request, "keyId"),
					AuditOperations.successOutcome(operation), request.getMethod() + " " + request.getRequestURI());
		}
		return true;
	}

	@Override
	public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler,
			Exception ex) {
		try {
			if (audited(request)) {
				String outcome = String.valueOf(response.getStatus());
				String settled = this.auditLog.settledOutcome();
				if (!outcome.equals(settled)) {
					Object code = request.getAttribute(ProblemResponses.CODE_ATTRIBUTE);
					String keyId = pathVariable(request, "keyId");
					this.auditLog.record(caller(), operation(request), pathVariable(request, "id"),
							keyId != null ? keyId : this.auditLog.requestKeyArn(), outcome,
							this.auditLog.withRequestNote(request.getMethod() + " " + request.getRequestURI())
									+ (code != null ? " " + code : "") + (settled != null
											? " (its change was recorded with outcome " + settled + ")" : ""));
				}
				request.setAttribute(RECORDED, Boolean.TRUE);
			}
		}
		finally {
			this.auditLog.closeScope();
			MDC.remove(AuditLog.MDC_JOB_ID);
			MDC.remove(AuditLog.MDC_KMS_TARGET);
		}
	}

	/**
	 * The {@code target} query parameter of a route that takes one, if it names a
	 * configured target. Any other value is not the request's target: a route that takes
	 * none ignores it, and an unknown one is refused by the route; recorded as given it
	 * would name a target the request never used, or fail the audit entry's insert (a NUL
	 * character) after the request's KMS call was made.
	 */
	private String queryTarget(HttpServletRequest request, Object handler) {
		String target = request.getParameter("target");
		if (target == null || !(handler instanceof HandlerMethod method)
				|| !this.takesTarget.computeIfAbsent(method.getMethod(), (m) -> takesTarget(method))
				|| !this.targets.contains(target)) {
			return null;
		}
		return target;
	}

	private static boolean takesTarget(HandlerMethod method) {
		for (MethodParameter parameter : method.getMethodParameters()) {
			RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
			if (param != null) {
				String name = !param.name().isEmpty() ? param.name() : parameter.getParameterName();
				if ("target".equals(name)) {
					return true;
				}
			}
		}
		return false;
	}

	/** State-changing calls: anything but GET and HEAD. */
	private static boolean audited(HttpServletRequest request) {
		String method = request.getMethod();
		return !HttpMethod.GET.matches(method) && !HttpMethod.HEAD.matches(method);
	}

	private static String operation(HttpServletRequest request) {
		Object route = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
		return AuditOperations.of(request.getMethod(), route != null ? route.toString() : request.getRequestURI());
	}

	private static Caller caller() {
		try {
			return Caller.current();
		}
		catch (IllegalStateException ex) {
			return Caller.anonymous();
		}
	}

	@SuppressWarnings("unchecked")
	static String pathVariable(HttpServletRequest request, String name) {
		Object variables = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
		return variables instanceof Map<?, ?> map ? (String) ((Map<String, String>) map).get(name) : null;
	}

}
