variable "service" {
  description = "The service name (catalog component, Kubernetes objects, Vault path)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$", var.service))
    error_message = "The service name must be a DNS label of at most 40 characters."
  }
}

variable "environment" {
  description = "dev, staging or production."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "production"], var.environment)
    error_message = "The environment must be dev, staging or production."
  }
}

variable "github_org" {
  description = "GitHub organisation; also the prefix of globally unique names."
  type        = string
}

variable "owner" {
  description = "Owning team (the catalog group name); also the Kubernetes namespace."
  type        = string
}

variable "system" {
  description = "Catalog system the service belongs to."
  type        = string
}

variable "aws_region" {
  description = "AWS region of the environment."
  type        = string
}

variable "eks_cluster_name" {
  description = "The environment's EKS cluster (for the bucket's Pod Identity and the database's network access)."
  type        = string
}

variable "vault_kv_mount" {
  description = "Vault KV v2 mount that holds service secrets."
  type        = string
  default     = "secret"
}

# Optional resources, chosen in the golden-path form.

variable "database" {
  description = "Create a PostgreSQL database for the service."
  type        = bool
  default     = false
}

variable "database_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.micro"
}

variable "database_allocated_storage_gb" {
  description = "Initial storage in GiB (grows automatically up to four times this)."
  type        = number
  default     = 20
}

variable "database_multi_az" {
  description = "Standby in a second availability zone."
  type        = bool
  default     = false
}

variable "bucket" {
  description = "Create an object-storage bucket for the service."
  type        = bool
  default     = false
}
