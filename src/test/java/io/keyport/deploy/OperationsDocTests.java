package io.keyport.deploy;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/operations.md is the operators' configuration reference: every {@code keyport.*}
 * property of the application's {@code @ConfigurationProperties} records has a row there
 * with its default, and no row names a property that does not exist. Found by scanning,
 * so a new settings record is covered without touching this test.
 */
class OperationsDocTests {

	static final Path DOC = Path.of("docs", "operations.md");

	/** Read by a condition, not by a properties record (none since KMS targets). */
	static final List<String> NOT_IN_RECORDS = List.of();

	@Test
	void everyKeyportPropertyHasARowWithItsDefault() throws IOException {
		List<String> rows = Files.readAllLines(DOC);
		Map<String, Optional<String>> properties = keyportProperties();
		// the scan found the settings records of this version (others the application
		// gains are covered too)
		assertThat(properties.keySet()).anyMatch(n -> n.startsWith("keyport.security."))
			.anyMatch(n -> n.startsWith("keyport.kms.aws."))
			.anyMatch(n -> n.startsWith("keyport.kms.rate-limits."))
			.anyMatch(n -> n.startsWith("keyport.kms.targets.<name>."))
			.anyMatch(n -> n.startsWith("keyport.import-jobs."))
			.anyMatch(n -> n.startsWith("keyport.lifecycle."));
		properties.forEach((name, defaultValue) -> {
			Optional<String> row = rows.stream().filter(line -> line.startsWith("| `" + name + "` |")).findFirst();
			assertThat(row).as("a row for %s in %s", name, DOC).isPresent();
			defaultValue.ifPresent(value -> assertThat(row.get()).as("default of %s", name)
				.startsWith("| `" + name + "` | `" + value + "` |"));
		});
	}

	@Test
	void everyDocumentedKeyportPropertyExists() throws IOException {
		Map<String, Optional<String>> properties = keyportProperties();
		List<String> documented = Files.readAllLines(DOC)
			.stream()
			.filter(line -> line.startsWith("| `keyport."))
			.map(line -> line.substring(3, line.indexOf('`', 3)))
			.toList();
		assertThat(documented).isNotEmpty()
			.allSatisfy(name -> assertThat(properties.containsKey(name) || NOT_IN_RECORDS.contains(name))
				.as("%s is a property of the application", name)
				.isTrue());
	}

	/**
	 * Property name to its {@code @DefaultValue}, for every component of the
	 * application's settings records.
	 */
	static Map<String, Optional<String>> keyportProperties() {
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
		scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
		Map<String, Optional<String>> properties = new LinkedHashMap<>();
		for (BeanDefinition candidate : scanner.findCandidateComponents("io.keyport")) {
			Class<?> type = ClassUtils.resolveClassName(candidate.getBeanClassName(), null);
			if (isTestClass(type)) {
				continue;
			}
			String prefix = type.getAnnotation(ConfigurationProperties.class).value();
			assertThat(type.isRecord()).as("%s is a record (settings are immutable records here)", type).isTrue();
			collect(prefix, type, properties);
		}
		return properties;
	}

	private static void collect(String prefix, Class<?> record, Map<String, Optional<String>> properties) {
		RecordComponent[] components = record.getRecordComponents();
		Constructor<?> canonical;
		try {
			canonical = record.getDeclaredConstructor(
					Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
		for (int i = 0; i < components.length; i++) {
			String name = prefix + "." + kebab(components[i].getName());
			Class<?> componentType = components[i].getType();
			if (componentType.isRecord() && componentType.getName().startsWith("io.keyport.")) {
				collect(name, componentType, properties);
				continue;
			}
			// a map of named settings records (keyport.kms.targets.<name>.*)
			if (java.util.Map.class.isAssignableFrom(componentType)
					&& components[i].getGenericType() instanceof java.lang.reflect.ParameterizedType map
					&& map.getActualTypeArguments()[1] instanceof Class<?> value && value.isRecord()
					&& value.getName().startsWith("io.keyport.")) {
				collect(name + ".<name>", value, properties);
				continue;
			}
			DefaultValue defaultValue = canonical.getParameters()[i].getAnnotation(DefaultValue.class);
			properties.put(name, Optional.ofNullable(defaultValue).map(d -> String.join(",", d.value())));
		}
	}

	private static boolean isTestClass(Class<?> type) {
		return type.getProtectionDomain().getCodeSource().getLocation().getPath().contains("test-classes");
	}

	static String kebab(String camel) {
		return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
	}

}
