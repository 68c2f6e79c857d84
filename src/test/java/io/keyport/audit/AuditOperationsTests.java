package io.keyport.audit;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import io.keyport.testsupport.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Audit operation names are constants per route: a new state-changing route needs its
 * name in AuditOperations.
 */
class AuditOperationsTests extends IntegrationTest {

	@Autowired
	@Qualifier("requestMappingHandlerMapping")
	RequestMappingHandlerMapping mappings;

	@Test
	void everyStateChangingRouteHasAnOperationConstant() {
		List<String> unnamed = this.mappings.getHandlerMethods()
			.keySet()
			.stream()
			.flatMap(info -> info.getMethodsCondition()
				.getMethods()
				.stream()
				.flatMap(method -> info.getPatternValues()
					.stream()
					.map(pattern -> method.asHttpMethod() + " " + pattern)))
			.filter(route -> !route.startsWith(HttpMethod.GET.name()) && route.contains(" /api/"))
			.filter(route -> !AuditOperations.ROUTES.containsKey(route))
			.toList();
		assertThat(unnamed).isEmpty();
	}

}
