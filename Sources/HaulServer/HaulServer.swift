// Placeholder: the HTTP service (issue 6).
import HaulJobs
