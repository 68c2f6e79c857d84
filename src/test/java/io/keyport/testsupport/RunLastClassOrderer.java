package io.keyport.testsupport;

import java.util.Comparator;

import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/** Classes by name, those marked {@link RunLast} at the end. */
public class RunLastClassOrderer implements ClassOrderer {

	@Override
	public void orderClasses(ClassOrdererContext context) {
		context.getClassDescriptors()
			.sort(Comparator.comparing((ClassDescriptor d) -> d.isAnnotated(RunLast.class))
				.thenComparing(d -> d.getTestClass().getName()));
	}

}
