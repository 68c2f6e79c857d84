package io.keyport.importjob;

import java.util.List;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;
import org.springframework.data.jpa.repository.Query;

interface ImportJobRepository extends JpaRepository<ImportJob, UUID>, JpaSpecificationExecutor<ImportJob> {

	@Query("select e from ImportJobEvent e where e.job.id = :jobId order by e.id")
	List<ImportJobEvent> findEvents(UUID jobId);

}
