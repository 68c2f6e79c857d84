package io.keyport;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** Keeps the package-by-feature structure honest. */
class ArchitectureTests {

	static final JavaClasses MAIN = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("io.keyport");

	@Test
	void onlyTheAwsAdapterKnowsTheAwsSdk() {
		noClasses().that()
			.resideOutsideOfPackage("io.keyport.kms.aws..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("software.amazon..")
			.check(MAIN);
	}

	/**
	 * Features reach KMS through the port only, so another provider's adapter can replace
	 * the AWS one.
	 */
	@Test
	void onlyTheAwsAdapterKnowsItsOwnSettingsAndClasses() {
		noClasses().that()
			.resideOutsideOfPackage("io.keyport.kms.aws..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.keyport.kms.aws..")
			.check(MAIN);
	}

	@Test
	void wrappingIsPlainJavaWithoutSpringOrPersistence() {
		noClasses().that()
			.resideInAPackage("io.keyport.wrapping..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework..", "jakarta.persistence..", "io.keyport.importjob..",
					"io.keyport.kms..")
			.check(MAIN);
	}

	@Test
	void entitiesAndRepositoriesStayInsideTheirFeature() {
		classes().that()
			.areAnnotatedWith(jakarta.persistence.Entity.class)
			.or()
			.areAssignableTo(org.springframework.data.repository.Repository.class)
			.should()
			.notBePublic()
			.check(MAIN);
	}

	@Test
	void webLayerDoesNotReachEntitiesOrRepositories() {
		noClasses().that()
			.resideInAPackage("..web..")
			.should()
			.dependOnClassesThat()
			.areAnnotatedWith(jakarta.persistence.Entity.class)
			.check(MAIN);
	}

	@Test
	void kmsPortDoesNotDependOnImportJobs() {
		noClasses().that()
			.resideInAPackage("io.keyport.kms..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.keyport.importjob..")
			.check(MAIN);
	}

	/**
	 * Every top-level package (feature or base) depends on others in one direction only.
	 */
	@Test
	void packagesAreFreeOfCycles() {
		slices().matching("io.keyport.(*)..").should().beFreeOfCycles().check(MAIN);
	}

	/**
	 * The exception handler turns any feature's failure into a problem without knowing
	 * the feature.
	 */
	@Test
	void webKnowsNoFeature() {
		noClasses().that()
			.resideInAPackage("io.keyport.web")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.keyport.importjob..", "io.keyport.kms..", "io.keyport.wrapping..",
					"io.keyport.security..", "io.keyport.audit..", "io.keyport.idempotency..", "io.keyport.ops..")
			.check(MAIN);
	}

	/** Base packages stay at the bottom: they import no other Keyport package. */
	@Test
	void supportImportsNoOtherPackage() {
		noClasses().that()
			.resideInAPackage("io.keyport.support..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.keyport.(*)..")
			.andShould()
			.dependOnClassesThat()
			.resideOutsideOfPackages("io.keyport.support..", "java..")
			.check(MAIN);
	}

	/**
	 * {@code kms} is the port, its pacing and its adapters; features such as KMS keys
	 * build on it.
	 */
	@Test
	void kmsPortKnowsNoFeatureNorTheWeb() {
		noClasses().that()
			.resideInAPackage("io.keyport.kms..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.keyport.kmskey..", "io.keyport.security..", "io.keyport.idempotency..",
					"io.keyport.web..", "org.springframework.web..")
			.check(MAIN);
	}

	/**
	 * Each feature does its own housekeeping: the job lifecycle leaves idempotency
	 * records to their feature.
	 */
	@Test
	void importJobsLeaveIdempotencyRecordsToTheirFeature() {
		noClasses().that()
			.resideInAPackage("io.keyport.importjob")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.keyport.idempotency..")
			.check(MAIN);
	}

}
