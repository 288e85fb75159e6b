// The OpenAPI document served at /openapi.json: a copy of docs/openapi.json, which a test keeps equal.
// After editing docs/openapi.json, regenerate with:
// python3 -c 't=open("docs/openapi.json").read(); p="Sources/HaulServer/OpenAPIDocument.swift"; s=open(p).read(); open(p,"w").write(s.split("\n    static let text")[0] + "\n    static let text = #\"\"\"\n" + t + "\"\"\"#\n}\n")'

/// The service's OpenAPI 3 document.
enum OpenAPIDocument {
    static let text = #"""
{
  "openapi": "3.0.3",
  "info": {
    "title": "Haul job service",
    "version": "1.0.0",
    "description": "Submit routing, allocation and loading problems as jobs and fetch their plans. Every /v1 route needs `Authorization: Bearer TOKEN`; a tenant sees only its own jobs. Errors are `{\"error\": {\"code\", \"message\", \"details\": [{\"path\", \"message\"}]}}`; `code` names the rule. Online allocators (/v1/allocators) live in the server's memory only and are lost on restart."
  },
  "servers": [
    {
      "url": "http://127.0.0.1:8080"
    }
  ],
  "security": [
    {
      "bearer": []
    }
  ],
  "paths": {
    "/v1/jobs": {
      "post": {
        "operationId": "submitJob",
        "summary": "Submit a problem as a job",
        "parameters": [
          {
            "$ref": "#/components/parameters/RequestId"
          },
          {
            "name": "Idempotency-Key",
            "in": "header",
            "schema": {
              "type": "string",
              "maxLength": 255
            },
            "description": "The same key from the same tenant returns the job first submitted with it (header Idempotent-Replayed: true)."
          },
          {
            "name": "priority",
            "in": "query",
            "schema": {
              "type": "integer",
              "minimum": -1000,
              "maximum": 1000,
              "default": 0
            },
            "description": "Higher runs first."
          }
        ],
        "requestBody": {
          "required": true,
          "description": "A problem document (docs/problem.schema.json), at most 8 MiB by default.",
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "description": "See docs/problem.schema.json",
                "required": [
                  "kind"
                ],
                "properties": {
                  "kind": {
                    "type": "string",
                    "enum": [
                      "routing",
                      "allocation",
                      "loading"
                    ]
                  }
                }
              }
            }
          }
        },
        "responses": {
          "202": {
            "description": "Queued (or the job of a replayed Idempotency-Key).",
            "headers": {
              "Location": {
                "schema": {
                  "type": "string"
                },
                "description": "/v1/jobs/{id}"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Job"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "413": {
            "$ref": "#/components/responses/Error"
          },
          "415": {
            "$ref": "#/components/responses/Error"
          },
          "422": {
            "$ref": "#/components/responses/Error"
          },
          "429": {
            "$ref": "#/components/responses/Error"
          }
        }
      },
      "get": {
        "operationId": "listJobs",
        "summary": "The tenant's jobs, newest first",
        "parameters": [
          {
            "$ref": "#/components/parameters/RequestId"
          },
          {
            "name": "status",
            "in": "query",
            "schema": {
              "$ref": "#/components/schemas/JobStatus"
            }
          },
          {
            "name": "kind",
            "in": "query",
            "schema": {
              "type": "string",
              "enum": [
                "routing",
                "allocation",
                "loading"
              ]
            }
          },
          {
            "name": "limit",
            "in": "query",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 200,
              "default": 50
            }
          },
          {
            "name": "cursor",
            "in": "query",
            "schema": {
              "type": "string"
            },
            "description": "nextCursor of the previous page."
          }
        ],
        "responses": {
          "200": {
            "description": "One page of jobs (without plans).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/JobPage"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/v1/jobs/{id}": {
      "get": {
        "operationId": "getJob",
        "summary": "A job, with its plan once it succeeded",
        "parameters": [
          {
            "$ref": "#/components/parameters/RequestId"
          },
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The job.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Job"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          }
        }
      },
      "delete": {
        "operationId": "cancelJob",
        "summary": "Cancel a queued or running job (a running solve stops within a second)",
        "parameters": [
          {
            "$ref": "#/components/parameters/RequestId"
          },
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The job after the request (a finished job is unchanged).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Job"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/v1/jobs/{id}/plan.svg": {
      "get": {
        "operationId": "getJobPlanPicture",
        "summary": "The job's plan drawn over its problem (SVG)",
        "description": "Routes on a map of depots and customers, orders coloured by warehouse, or the loaded cargo spaces, by kind. Same tenant scoping as GET /v1/jobs/{id}.",
        "parameters": [
          {
            "$ref": "#/components/parameters/RequestId"
          },
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The picture (`Cache-Control: private, max-age=3600`; a succeeded job's plan never changes).",
            "content": {
              "image/svg+xml": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          },
          "409": {
            "description": "`no_plan`: the job has not succeeded (queued, running, failed or cancelled).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "422": {
            "description": "`plan_not_drawable`: the renderer cannot draw this plan.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/v1/solve": {
      "post": {
        "operationId": "solve",
        "summary": "Solve a small problem synchronously",
        "description": "The time limit is the document's (default 10 s) cut to the service's synchronous ceiling (default 30 s). A bounded number of solves run at once; the others wait their turn.",
        "parameters": [
          {
            "$ref": "#/components/parameters/RequestId"
          }
        ],
        "requestBody": {
          "required": true,
          "description": "A problem document (docs/problem.schema.json), at most 8 MiB by default.",
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "description": "See docs/problem.schema.json",
                "required": [
                  "kind"
                ],
                "properties": {
                  "kind": {
                    "type": "string",
                    "enum": [
                      "routing",
                      "allocation",
                      "loading"
                    ]
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The plan, whatever its status.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "A plan (docs/plan.schema.json)."
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "413": {
            "$ref": "#/components/responses/Error"
          },
          "415": {
            "$ref": "#/components/responses/Error"
          },
          "422": {
            "$ref": "#/components/responses/Error"
          },
          "503": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/healthz": {
      "get": {
        "operationId": "health",
        "summary": "The process is up",
        "security": [],
        "responses": {
          "200": {
            "description": "ok",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "status": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          }
        }
      }
    },
    "/readyz": {
      "get": {
        "operationId": "ready",
        "summary": "The job store answers",
        "security": [],
        "responses": {
          "200": {
            "description": "ready",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "status": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          },
          "503": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/metrics": {
      "get": {
        "operationId": "metrics",
        "summary": "Prometheus metrics (admin token, or no token on --metrics-port)",
        "security": [
          {
            "bearer": []
          }
        ],
        "responses": {
          "200": {
            "description": "Text exposition format 0.0.4.",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/openapi.json": {
      "get": {
        "operationId": "openapi",
        "summary": "This document",
        "security": [],
        "responses": {
          "200": {
            "description": "OpenAPI 3 document.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          }
        }
      }
    },
    "/v1/allocators": {
      "get": {
        "operationId": "listAllocators",
        "summary": "The tenant's online allocators (names)",
        "description": "Allocators are kept in the server process's memory only: they and their reservations are lost when the server restarts and are not shared between several servers on one store.",
        "parameters": [
          {
            "$ref": "#/components/parameters/RequestId"
          }
        ],
        "responses": {
          "200": {
            "description": "Names, sorted.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "allocators"
                  ],
                  "properties": {
                    "allocators": {
                      "type": "array",
                      "items": {
                        "type": "string"
                      }
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/v1/allocators/{name}": {
      "put": {
        "operationId": "putAllocator",
        "summary": "Create or replace an online allocator (a pool of warehouses)",
        "description": "Allocators are kept in the server process's memory only: they and their reservations are lost when the server restarts and are not shared between several servers on one store. Replacing an allocator drops its outstanding reservations. The body holds the `warehouses` of an allocation problem (docs/problem.schema.json), optional `travel` and `costPerUnitDistance` (default 1), validated with the same rules and JSON paths as POST /v1/jobs. Warehouses with `open: false` never serve; the others may. At most 100 allocators per tenant.",
        "parameters": [
          {
            "$ref": "#/components/parameters/RequestId"
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 64,
              "pattern": "^[A-Za-z0-9._-]+$"
            },
            "description": "The allocator's name, chosen by the tenant."
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/AllocatorDefinition"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "Replaced.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Allocator"
                }
              }
            }
          },
          "201": {
            "description": "Created.",
            "headers": {
              "Location": {
                "schema": {
                  "type": "string"
                },
                "description": "/v1/allocators/{name}"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Allocator"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "409": {
            "description": "too_many_allocators: the tenant holds 100 allocators already.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "413": {
            "$ref": "#/components/responses/Error"
          },
          "415": {
            "$ref": "#/components/responses/Error"
          },
          "422": {
            "description": "invalid_allocator: every issue with its JSON path.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      },
      "get": {
        "operationId": "getAllocator",
        "summary": "Remaining capacity and stock of every warehouse of an allocator",
        "parameters": [
          {
            "$ref": "#/components/parameters/RequestId"
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 64,
              "pattern": "^[A-Za-z0-9._-]+$"
            },
            "description": "The allocator's name, chosen by the tenant."
          }
        ],
        "responses": {
          "200": {
            "description": "The allocator, read at one instant.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Allocator"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          }
        }
      },
      "delete": {
        "operationId": "deleteAllocator",
        "summary": "Drop an allocator and its reservations",
        "parameters": [
          {
            "$ref": "#/components/parameters/RequestId"
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 64,
              "pattern": "^[A-Za-z0-9._-]+$"
            },
            "description": "The allocator's name, chosen by the tenant."
          }
        ],
        "responses": {
          "204": {
            "description": "Dropped."
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/v1/allocators/{name}/orders": {
      "post": {
        "operationId": "allocateOrder",
        "summary": "Reserve the nearest warehouse that can serve one whole order",
        "description": "Finds the nearest serving warehouse (by the allocator's travel model; ties go to the first listed) whose remaining capacity covers `quantity` (the sum of `items`) and, for `items`, whose remaining stock covers every SKU (a warehouse without `stock` has unlimited stock), and reserves them in one atomic step: concurrent requests never over-commit a warehouse. An order pinned with `warehouse` is served only by that warehouse. An order id holds at most one outstanding reservation per allocator (409 order_already_reserved); after its release the id may be used again.",
        "parameters": [
          {
            "$ref": "#/components/parameters/RequestId"
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 64,
              "pattern": "^[A-Za-z0-9._-]+$"
            },
            "description": "The allocator's name, chosen by the tenant."
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/OnlineOrder"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "Reserved.",
            "headers": {
              "Location": {
                "schema": {
                  "type": "string"
                },
                "description": "/v1/allocators/{name}/reservations/{reservation}"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Reservation"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Error"
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          },
          "409": {
            "description": "no_warehouse_available (nothing reserved), order_already_reserved, or too_many_reservations (1,000,000 outstanding).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "413": {
            "$ref": "#/components/responses/Error"
          },
          "415": {
            "$ref": "#/components/responses/Error"
          },
          "422": {
            "description": "invalid_order: every issue with its JSON path (also a location of another form than the warehouses', or a pin to an unknown warehouse).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        }
      }
    },
    "/v1/allocators/{name}/reservations/{reservation}": {
      "delete": {
        "operationId": "releaseReservation",
        "summary": "Release a reservation (cancel its order): its capacity and stock go back to the warehouse",
        "description": "Exactly once: a reservation that was already released (or never made) is 404.",
        "parameters": [
          {
            "$ref": "#/components/parameters/RequestId"
          },
          {
            "name": "name",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 64,
              "pattern": "^[A-Za-z0-9._-]+$"
            },
            "description": "The allocator's name, chosen by the tenant."
          },
          {
            "name": "reservation",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            },
            "description": "The `reservation` id returned by POST /v1/allocators/{name}/orders."
          }
        ],
        "responses": {
          "200": {
            "description": "Released.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Release"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Error"
          },
          "404": {
            "$ref": "#/components/responses/Error"
          }
        }
      }
    },
    "/": {
      "get": {
        "operationId": "webPage",
        "summary": "The web page: submit a problem, watch the job, see the plan",
        "security": [],
        "responses": {
          "200": {
            "description": "HTML page (with `Content-Security-Policy`) that calls this API from the browser with the token the user enters.",
            "headers": {
              "ETag": {
                "schema": {
                  "type": "string"
                },
                "description": "Strong tag of the content; send it back as If-None-Match."
              },
              "Cache-Control": {
                "schema": {
                  "type": "string"
                },
                "description": "`no-cache`: revalidate on every use."
              }
            },
            "content": {
              "text/html": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "304": {
            "description": "Not modified (If-None-Match named the current ETag)."
          }
        }
      }
    },
    "/web/{file}": {
      "get": {
        "operationId": "webAsset",
        "summary": "A file of the web page",
        "security": [],
        "responses": {
          "200": {
            "description": "`app.js` (text/javascript) or `style.css` (text/css).",
            "headers": {
              "ETag": {
                "schema": {
                  "type": "string"
                },
                "description": "Strong tag of the content; send it back as If-None-Match."
              },
              "Cache-Control": {
                "schema": {
                  "type": "string"
                },
                "description": "`no-cache`: revalidate on every use."
              }
            },
            "content": {
              "text/javascript": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "304": {
            "description": "Not modified (If-None-Match named the current ETag)."
          },
          "404": {
            "$ref": "#/components/responses/Error"
          }
        },
        "parameters": [
          {
            "name": "file",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            },
            "description": "`app.js` or `style.css`"
          }
        ]
      }
    },
    "/examples": {
      "get": {
        "operationId": "listExamples",
        "summary": "The example problems the web page offers",
        "security": [],
        "responses": {
          "200": {
            "description": "Name, problem kind and address of each example.",
            "headers": {
              "ETag": {
                "schema": {
                  "type": "string"
                },
                "description": "Strong tag of the content; send it back as If-None-Match."
              },
              "Cache-Control": {
                "schema": {
                  "type": "string"
                },
                "description": "`no-cache`: revalidate on every use."
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "examples"
                  ],
                  "properties": {
                    "examples": {
                      "type": "array",
                      "items": {
                        "type": "object",
                        "required": [
                          "name",
                          "kind",
                          "href"
                        ],
                        "properties": {
                          "name": {
                            "type": "string"
                          },
                          "kind": {
                            "type": "string"
                          },
                          "href": {
                            "type": "string"
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          },
          "304": {
            "description": "Not modified (If-None-Match named the current ETag)."
          }
        }
      }
    },
    "/examples/{file}": {
      "get": {
        "operationId": "getExample",
        "summary": "One example problem (as in Instances/examples)",
        "security": [],
        "responses": {
          "200": {
            "description": "The problem document.",
            "headers": {
              "ETag": {
                "schema": {
                  "type": "string"
                },
                "description": "Strong tag of the content; send it back as If-None-Match."
              },
              "Cache-Control": {
                "schema": {
                  "type": "string"
                },
                "description": "`no-cache`: revalidate on every use."
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "description": "A problem document (docs/problem.schema.json)."
                }
              }
            }
          },
          "304": {
            "description": "Not modified (If-None-Match named the current ETag)."
          },
          "404": {
            "$ref": "#/components/responses/Error"
          }
        },
        "parameters": [
          {
            "name": "file",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            },
            "description": "`NAME.json`, e.g. `routing-small.json`"
          }
        ]
      }
    }
  },
  "components": {
    "securitySchemes": {
      "bearer": {
        "type": "http",
        "scheme": "bearer"
      }
    },
    "parameters": {
      "RequestId": {
        "name": "X-Request-Id",
        "in": "header",
        "schema": {
          "type": "string",
          "maxLength": 128,
          "pattern": "^[A-Za-z0-9._-]+$"
        },
        "description": "Echoed in the response and logged on every line of the request; generated when absent."
      }
    },
    "responses": {
      "Error": {
        "description": "An error naming the broken rule.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      }
    },
    "schemas": {
      "JobStatus": {
        "type": "string",
        "enum": [
          "queued",
          "running",
          "succeeded",
          "failed",
          "cancelled"
        ]
      },
      "Job": {
        "type": "object",
        "required": [
          "id",
          "kind",
          "status",
          "priority",
          "progress",
          "attempts",
          "maxAttempts",
          "createdAt"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "kind": {
            "type": "string"
          },
          "status": {
            "$ref": "#/components/schemas/JobStatus"
          },
          "priority": {
            "type": "integer"
          },
          "progress": {
            "type": "number",
            "minimum": 0,
            "maximum": 1
          },
          "bestObjective": {
            "type": "number",
            "nullable": true
          },
          "attempts": {
            "type": "integer"
          },
          "maxAttempts": {
            "type": "integer"
          },
          "idempotencyKey": {
            "type": "string",
            "nullable": true
          },
          "createdAt": {
            "type": "string",
            "format": "date-time"
          },
          "startedAt": {
            "type": "string",
            "format": "date-time",
            "nullable": true
          },
          "finishedAt": {
            "type": "string",
            "format": "date-time",
            "nullable": true
          },
          "error": {
            "type": "string",
            "nullable": true
          },
          "plan": {
            "type": "object",
            "description": "The plan (docs/plan.schema.json); only on GET /v1/jobs/{id} of a succeeded job."
          }
        }
      },
      "JobPage": {
        "type": "object",
        "required": [
          "jobs"
        ],
        "properties": {
          "jobs": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Job"
            }
          },
          "nextCursor": {
            "type": "string",
            "nullable": true
          }
        }
      },
      "Error": {
        "type": "object",
        "required": [
          "error"
        ],
        "properties": {
          "error": {
            "type": "object",
            "required": [
              "code",
              "message",
              "details"
            ],
            "properties": {
              "code": {
                "type": "string",
                "description": "The rule: unauthorized, not_found, invalid_problem, body_too_large, unsupported_media_type, problem_too_large, time_limit_too_long, too_many_jobs_in_flight, empty_body, invalid_utf8, invalid_parameter, invalid_idempotency_key, solver_busy, store_unavailable, invalid_allocator, too_many_allocators, invalid_order, no_warehouse_available, order_already_reserved, too_many_reservations, internal_error."
              },
              "message": {
                "type": "string"
              },
              "details": {
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "path": {
                      "type": "string"
                    },
                    "message": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          }
        }
      },
      "AllocatorDefinition": {
        "type": "object",
        "required": [
          "warehouses"
        ],
        "additionalProperties": false,
        "description": "The warehouse part of an allocation problem (docs/problem.schema.json).",
        "properties": {
          "warehouses": {
            "type": "array",
            "items": {
              "type": "object",
              "description": "id, location, capacity, optional stock, openingCost (ignored online), open"
            }
          },
          "travel": {
            "type": "object",
            "description": "As in problem documents; distances is required for {\"index\"} locations."
          },
          "costPerUnitDistance": {
            "type": "number",
            "minimum": 0,
            "default": 1
          }
        }
      },
      "Allocator": {
        "type": "object",
        "required": [
          "name",
          "createdAt",
          "costPerUnitDistance",
          "outstandingReservations",
          "reservationsMade",
          "reservationsReleased",
          "warehouses"
        ],
        "properties": {
          "name": {
            "type": "string"
          },
          "createdAt": {
            "type": "string",
            "format": "date-time"
          },
          "costPerUnitDistance": {
            "type": "number"
          },
          "outstandingReservations": {
            "type": "integer"
          },
          "reservationsMade": {
            "type": "integer"
          },
          "reservationsReleased": {
            "type": "integer"
          },
          "warehouses": {
            "type": "array",
            "items": {
              "type": "object",
              "required": [
                "id",
                "serving",
                "capacity",
                "remainingCapacity",
                "stock",
                "remainingStock"
              ],
              "properties": {
                "id": {
                  "type": "string"
                },
                "serving": {
                  "type": "boolean",
                  "description": "false for open: false"
                },
                "capacity": {
                  "type": "number"
                },
                "remainingCapacity": {
                  "type": "number",
                  "description": "0 when not serving"
                },
                "stock": {
                  "type": "object",
                  "nullable": true,
                  "additionalProperties": {
                    "type": "number"
                  },
                  "description": "null: unlimited"
                },
                "remainingStock": {
                  "type": "object",
                  "nullable": true,
                  "additionalProperties": {
                    "type": "number"
                  }
                }
              }
            }
          }
        }
      },
      "OnlineOrder": {
        "type": "object",
        "required": [
          "id",
          "location"
        ],
        "additionalProperties": false,
        "description": "An order as in allocation problems: either quantity or items.",
        "properties": {
          "id": {
            "type": "string",
            "minLength": 1,
            "maxLength": 256
          },
          "location": {
            "type": "object",
            "description": "{\"x\", \"y\"}, {\"lat\", \"lon\"} or {\"index\"}; the same form as the allocator's warehouses."
          },
          "quantity": {
            "type": "number",
            "minimum": 0
          },
          "items": {
            "type": "object",
            "additionalProperties": {
              "type": "number",
              "minimum": 0
            },
            "description": "units per SKU"
          },
          "warehouse": {
            "type": "string",
            "description": "only this warehouse may serve the order"
          }
        }
      },
      "Reservation": {
        "type": "object",
        "required": [
          "reservation",
          "allocator",
          "order",
          "warehouse",
          "warehouseIndex",
          "quantity",
          "items",
          "distance",
          "cost"
        ],
        "properties": {
          "reservation": {
            "type": "string",
            "description": "release it with DELETE /v1/allocators/{name}/reservations/{reservation}"
          },
          "allocator": {
            "type": "string"
          },
          "order": {
            "type": "string"
          },
          "warehouse": {
            "type": "string",
            "description": "warehouse id"
          },
          "warehouseIndex": {
            "type": "integer",
            "description": "0-based position in warehouses"
          },
          "quantity": {
            "type": "number",
            "description": "capacity reserved"
          },
          "items": {
            "type": "object",
            "additionalProperties": {
              "type": "number"
            },
            "description": "stock reserved per SKU (empty for quantity orders or unlimited stock)"
          },
          "distance": {
            "type": "number"
          },
          "cost": {
            "type": "number",
            "description": "costPerUnitDistance * distance * quantity"
          }
        }
      },
      "Release": {
        "type": "object",
        "required": [
          "reservation",
          "allocator",
          "order",
          "warehouse",
          "quantity",
          "items",
          "released"
        ],
        "properties": {
          "reservation": {
            "type": "string"
          },
          "allocator": {
            "type": "string"
          },
          "order": {
            "type": "string"
          },
          "warehouse": {
            "type": "string"
          },
          "quantity": {
            "type": "number"
          },
          "items": {
            "type": "object",
            "additionalProperties": {
              "type": "number"
            }
          },
          "released": {
            "type": "boolean"
          }
        }
      }
    }
  }
}
"""#
}
