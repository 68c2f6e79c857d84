package io.keyport.web;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * Tomcat's own error answers (a URL it rejects before Spring sees the request: an encoded
 * slash, backslash or NUL, a malformed escape) as problem+json like every other error,
 * instead of Tomcat's HTML page. Nothing of the request is echoed, and no server detail
 * is shown. Installed as the host's error report valve, so Tomcat creates it by its class
 * name.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

	@Override
	protected void report(Request request, Response response, Throwable throwable) {
		int statusCode = response.getStatus();
		if (statusCode < 400 || response.getContentWritten() > 0) {
			return;
		}
		AtomicBoolean writable = new AtomicBoolean(false);
		response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, writable);
		if (!writable.get() || !response.setErrorReported()) {
			return;
		}
		HttpStatus status = HttpStatus.resolve(statusCode);
		boolean client = statusCode < 500;
		String code = (status == HttpStatus.NOT_FOUND) ? "not-found" : client ? "bad-request" : "internal-error";
		String detail = client
				? "The request could not be processed ("
						+ (status != null ? status.getReasonPhrase() : "HTTP " + statusCode) + ")."
				: "An unexpected error occurred. It has been logged.";
		// fixed texts of Keyport's own: nothing here needs JSON escaping
		String body = "{\"type\":\"" + ProblemResponses.TYPE_BASE + code + "\",\"title\":\"" + ProblemTitles.title(code)
				+ "\",\"status\":" + statusCode + ",\"detail\":\"" + detail + "\",\"code\":\"" + code + "\"}";
		try {
			response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			response.setCharacterEncoding("UTF-8");
			Writer writer = response.getReporter();
			if (writer != null) {
				writer.write(body);
				response.finishResponse();
			}
		}
		catch (IOException | IllegalStateException ex) {
			// the client is gone, or the response was committed meanwhile
		}
	}

}
